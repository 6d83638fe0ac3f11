import type { SagaState } from '@bitcraps/saga';
import type { RequestedSaga } from './orchestrators';
import { stackOf, escrowOf, type Reply, type World } from './world';

/**
 * What must hold when the simulated world is quiet, checked against the services'
 * own records (the truth), not against what the orchestrator believes:
 * - every saga ended, none `failed` (DESIGN.md section 12);
 * - each saga's effects match its end: a completed saga's effects are all in place,
 *   once; a compensated saga left none of its effects in force;
 * - no effect applied twice; no command a service would dead-letter;
 * - money is conserved: Σ wallets + stacks + escrow + bankroll = deposits + bankroll;
 * - the table and the treasury agree: each seated player's stack as the table sees it is
 *   what the treasury holds for them, nobody gone holds chips at the table, the escrow
 *   holds exactly the stakes on the layout, no roll stays reserved, no seat stays
 *   joining and no bet stays held (consensus's participants are compared on open tables
 *   only: closing a game leaves them);
 * - a completed expire closed its table and left no chip on it: every bet released, every
 *   stack cashed out and credited to its player's wallet.
 */
export interface Violation {
  /** A stable name for the kind of finding (used to group seeds). */
  kind: string;
  sagaId?: string;
  detail: string;
}

export type Classification = 'completed' | 'compensated' | 'failed' | 'unfinished' | 'never-started';

export interface CheckInput {
  world: World;
  requested: RequestedSaga[];
  states: Map<string, SagaState<any>>;
  invalidCommands: Array<{ subject: string; payload: unknown; issues: string }>;
  executorErrors: string[];
  terminalCalls: Map<string, number>;
  gameIds: string[];
  playerIds: string[];
}

export function check(input: CheckInput): { violations: Violation[]; classes: Map<string, Classification> } {
  const { world, states } = input;
  const violations: Violation[] = [];
  const classes = new Map<string, Classification>();
  const flag = (kind: string, detail: string, sagaId?: string) => violations.push({ kind, detail, ...(sagaId ? { sagaId } : {}) });

  for (const r of input.requested) {
    const state = states.get(r.sagaId);
    if (!state) {
      classes.set(r.sagaId, 'never-started');
      flag('saga-never-started', `${r.def.type} requested at ${r.at} was never stored`, r.sagaId);
      continue;
    }
    const status = state.status;
    const cls: Classification = status === 'running' || status === 'compensating' ? 'unfinished' : status;
    classes.set(r.sagaId, cls);
    if (cls === 'unfinished') {
      flag('saga-unfinished', `${state.type} still ${status}: ${describe(state)}`, r.sagaId);
      continue;
    }
    if (cls === 'failed') {
      flag('saga-failed', `${state.type} failed: ${state.error?.code} at ${state.error?.step}: ${state.error?.message}; ${describe(state)}`, r.sagaId);
      if (!input.terminalCalls.get(r.sagaId)) flag('failed-silently', `${state.type} failed without telling the observer`, r.sagaId);
    }
    const problems = effectsOf(world, state);
    const expected = cls === 'completed' ? problems.completed : cls === 'compensated' ? problems.compensated : [];
    for (const p of expected) flag(`${state.type}-${cls}-${p.kind}`, `${p.detail}; ${describe(state)}`, r.sagaId);
  }

  for (const e of world.effects.twice()) flag('effect-twice', e);
  for (const c of input.invalidCommands) flag('invalid-command', `${c.subject} ${JSON.stringify(c.payload)}: ${c.issues}`);
  for (const e of input.executorErrors) flag('executor-error', e);

  const held = world.held();
  const put = world.player.deposits + world.initialBankroll;
  if (held.total !== put) flag('money-not-conserved', `held ${JSON.stringify(held)} ≠ deposits + bankroll ${put}`);

  for (const gameId of input.gameIds) {
    const g = world.lifecycle.games.get(gameId)!;
    for (const playerId of input.playerIds) {
      const seat = g.players.find((p) => p.playerId === playerId);
      const treasury = world.treasury.balance(stackOf(gameId, playerId));
      if ((seat?.stack ?? 0) !== treasury) {
        flag(seat ? 'stack-mismatch' : 'chips-left-behind', `${playerId} at ${gameId}: the table says ${seat ? seat.stack : 'not seated'}, the treasury holds ${treasury}`);
      }
    }
    const onLayout = g.bets.reduce((s, b) => s + b.amount, 0);
    const escrow = world.treasury.balance(escrowOf(gameId));
    if (onLayout !== escrow) {
      const open = [...world.treasury.bets].filter(([, b]) => b.open && b.gameId === gameId).map(([id]) => id);
      flag('escrow-mismatch', `${gameId}: the layout holds ${onLayout} in ${g.bets.map((b) => b.betId).join(',') || 'no bets'}, the escrow ${escrow} in ${open.join(',') || 'no bets'}`);
    }
    // a hold left behind would keep its player from ever leaving, and the game from closing
    for (const p of g.players) if (p.joining) flag('seat-left-joining', `${p.playerId} at ${gameId}: the seat of ${p.joining} was never confirmed`);
    for (const l of g.leaving) flag('leave-left-held', `${l.playerId} at ${gameId}: the leave ${l.opId} was never confirmed`);
    for (const h of g.held) flag('bet-left-held', `${h.betId} of ${h.playerId} at ${gameId}: validated and never recorded nor withdrawn`);
    if (g.pendingRoll) flag('roll-left-reserved', `${gameId}: roll ${g.pendingRoll.rollIndex} reserved by ${g.pendingRoll.opId} and never applied nor cancelled`);
    // closing a game leaves consensus as it is (nobody rolls there again): only open tables must agree
    if (g.status === 'closed') continue;
    const participants = [...(world.consensus.games.get(gameId)?.participants.keys() ?? [])].sort();
    const seated = g.players.map((p) => p.playerId).sort();
    if (participants.join() !== seated.join()) flag('participants-mismatch', `${gameId}: seated ${seated.join(',') || 'nobody'}, consensus has ${participants.join(',') || 'nobody'}`);
  }
  return { violations, classes };
}

function describe(s: SagaState<any>): string {
  return s.steps.map((st) => `${st.name}:${st.status}/${st.attempts}${st.compensationAttempts ? `+${st.compensationAttempts}` : ''}`).join(' ');
}

interface Problem {
  kind: string;
  detail: string;
}

/** What each saga must have left in the services, by how it ended. */
function effectsOf(world: World, s: SagaState<any>): { completed: Problem[]; compensated: Problem[] } {
  const c = s.ctx;
  const completed: Problem[] = [];
  const compensated: Problem[] = [];
  const lifecycle = world.lifecycle.games.get(c.gameId);
  const op = (key: string): Reply | undefined => lifecycle?.ops.get(key);
  const slot = (id: string) => world.treasury.slots.get(id);
  const moved = (id: string) => slot(id)?.type === 'transfer';
  const wallet = (opId: string) => world.player.action(c.playerId, opId)?.answer;
  const consensusOp = (key: string) => world.consensus.games.get(c.gameId)?.ops.get(key) as Reply | undefined;
  const need = (list: Problem[], ok: boolean, kind: string, detail: string) => ok || list.push({ kind, detail });

  switch (s.type) {
    case 'join': {
      const debited = wallet(`${c.sagaId}:debit`)?.ok === true;
      const refunded = wallet(`${c.sagaId}:debit:refund`)?.ok === true;
      const seated = op(`seat:${c.sagaId}:seat`)?.ok === true;
      const unseated = op(`unseat:${c.sagaId}:unseat`)?.ok === true;
      const credited = moved(`${c.sagaId}:stack:buy-in`);
      const reversed = moved(`${c.sagaId}:stack:reverse`);
      const added = consensusOp(`add:${c.sagaId}:participant`);
      const removed = consensusOp(`remove:${c.sagaId}:participant-undo`)?.ok === true;
      need(completed, debited && !refunded, 'debit', `wallet debit applied ${debited}, refunded ${refunded}`);
      need(completed, seated && !unseated, 'seat', `seated ${seated}, unseated by the compensation ${unseated}`);
      need(completed, credited && !reversed, 'stack', `stack credited ${credited}, reversed ${reversed}`);
      need(completed, added?.ok === true && !removed, 'participant', `participant ${JSON.stringify(added)}, removed ${removed}`);
      need(compensated, !debited || refunded, 'debit', 'the buy-in was debited and never refunded');
      need(compensated, !credited || reversed, 'stack', 'the stack was credited and never reversed');
      need(compensated, !seated || unseated, 'seat', 'the seat was taken and never given up');
      need(compensated, !(added?.ok && !added.alreadyParticipant) || removed, 'participant', 'the participant was added and never removed');
      break;
    }
    case 'bet': {
      const escrowed = moved(`bet:${c.betId}:escrow`);
      const released = moved(`bet:${c.betId}:release`);
      const settled = slot(`bet:${c.betId}:settle`) !== undefined;
      const recorded = op(`bet:${c.betId}`)?.ok === true;
      const removal = op(`remove:${c.betId}`);
      const removed = removal?.ok === true && removal.status === 'removed';
      need(completed, escrowed, 'escrow', 'the stake was never escrowed');
      need(completed, recorded && !removed, 'record', `recorded ${recorded}, removed by the compensation ${removed}`);
      need(compensated, !escrowed || released || settled, 'escrow', 'the stake was escrowed and never released');
      need(compensated, !recorded || removal?.ok === true, 'record', `the bet was recorded and its removal answered ${JSON.stringify(removal)}`);
      break;
    }
    case 'roll': {
      const check = `${c.sagaId}:check`;
      const applied = [...(lifecycle?.appliedBy ?? [])].filter(([, by]) => by === check).map(([i]) => i);
      const resolutions: Array<{ betId: string }> = c.roll?.resolutions ?? [];
      need(completed, applied.length === 1 && applied[0] === c.rollIndex, 'apply', `rolls applied under ${check}: ${applied.join(',') || 'none'}, the saga says ${c.rollIndex}`);
      need(completed, resolutions.every((r) => slot(`bet:${r.betId}:settle`) !== undefined), 'settle', 'a resolution was never settled');
      need(completed, (lifecycle?.settledThrough ?? 0) >= c.rollIndex, 'close', `settled through ${lifecycle?.settledThrough}, roll ${c.rollIndex}`);
      need(compensated, applied.length === 0, 'apply', `the roll ${applied.join(',')} was applied (the pivot passed) yet the saga compensated: its bets are resolved and never settled`);
      need(compensated, lifecycle?.pendingRoll?.opId !== check, 'reserve', 'the roll it reserved is still reserved');
      break;
    }
    case 'leave': {
      const unseat = op(`unseat:${c.sagaId}:unseat`);
      const unseated = unseat?.ok === true && unseat.wasSeated === true;
      const cashOut = slot(`${c.sagaId}:cash-out:cash-out`);
      const cashed = cashOut?.type === 'transfer' ? cashOut.amount : 0;
      const credit = wallet(`${c.sagaId}:credit`);
      const returned: Array<{ betId: string }> = c.returnedBets ?? [];
      // a closed game answers an unseat (not seated) without remembering it
      need(completed, unseat?.ok === true || (unseat === undefined && lifecycle?.status === 'closed'), 'unseat', `unseat answered ${JSON.stringify(unseat)}`);
      need(completed, returned.every((b) => slot(`bet:${b.betId}:release`) !== undefined || slot(`bet:${b.betId}:settle`) !== undefined), 'release', 'a returned bet was never released');
      need(completed, cashOut !== undefined, 'cash-out', 'the stack was never cashed out');
      need(completed, cashed === 0 ? credit === undefined : credit?.ok === true && credit.amount === cashed, 'credit', `cashed out ${cashed}, wallet credit ${JSON.stringify(credit)}`);
      need(compensated, !unseated, 'unseat', 'the player was unseated (the pivot passed) yet the saga compensated: the stack is never cashed out');
      break;
    }
    case 'expire': {
      const suspend = op(`suspend:${c.sagaId}:suspend`);
      const close = op(`close:${c.sagaId}:close`);
      const players: Array<{ playerId: string }> = c.players ?? [];
      const bets: Array<{ betId: string }> = c.bets ?? [];
      need(completed, suspend?.ok === true, 'suspend', `suspend answered ${JSON.stringify(suspend)}`);
      need(completed, close?.ok === true && lifecycle?.status === 'closed', 'close', `close answered ${JSON.stringify(close)}, the game is ${lifecycle?.status}`);
      const unreleased = bets.filter((b) => slot(`bet:${b.betId}:release`) === undefined && slot(`bet:${b.betId}:settle`) === undefined).map((b) => b.betId);
      need(completed, unreleased.length === 0, 'release', `bets on the closed table never released: ${unreleased.join(',')}`);
      for (const p of players) {
        const cashOut = slot(`${c.sagaId}:cash-out:${p.playerId}:cash-out`);
        const cashed = cashOut?.type === 'transfer' ? cashOut.amount : 0;
        const credit = world.player.action(p.playerId, `${c.sagaId}:credit:${p.playerId}`)?.answer;
        need(completed, cashOut !== undefined, 'cash-out', `the stack of ${p.playerId} was never cashed out`);
        need(completed, cashed === 0 ? credit === undefined : credit?.ok === true && credit.amount === cashed, 'credit', `${p.playerId} cashed out ${cashed}, wallet credit ${JSON.stringify(credit)}`);
      }
      // every chip of the table is back in a wallet: no stack nor escrow of it holds any
      const stranded = [...world.treasury.balances].filter(([account, v]) => v !== 0 && (account.startsWith(`stack:${c.gameId}:`) || account === escrowOf(c.gameId)));
      need(completed, stranded.length === 0, 'stranded', `chips left on the closed table: ${stranded.map(([a, v]) => `${a}=${v}`).join(', ')}`);
      // a refused suspension did nothing; one that passed is the pivot and is never undone
      need(compensated, suspend?.ok !== true, 'suspend', 'the game was suspended (the pivot passed) yet the saga compensated: the table stays frozen with its chips');
      break;
    }
  }
  return { completed, compensated };
}
