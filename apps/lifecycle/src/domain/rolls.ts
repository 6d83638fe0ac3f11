import {
  refuse,
  type ApplyRoll,
  type CancelRoll,
  type CheckShooter,
  type CloseRound,
  type PayloadOf,
  type ReplyOf,
  type RollOutcome,
} from '@bitcraps/contracts';
import { applyRoll, nextInSeatOrder, type Dice } from '@bitcraps/craps';
import { withRollClock } from './clocks';
import { fromCrapsBet, seatOf, toCrapsBet, toTable, type Decision, type GameRecord } from './game';
import { answer, opKey, recall } from './op-log';

export type CheckShooterCommand = PayloadOf<typeof CheckShooter>;
export type CheckShooterReply = ReplyOf<typeof CheckShooter>;
export type CancelRollReply = ReplyOf<typeof CancelRoll>;
export type ApplyRollCommand = PayloadOf<typeof ApplyRoll>;
export type ApplyRollReply = ReplyOf<typeof ApplyRoll>;
export type CloseRoundReply = ReplyOf<typeof CloseRound>;

/** Roll outcomes kept for replays of apply-roll (rolls of one game are applied in order). */
export const ROLLS_KEPT = 3;

/**
 * The roll saga's first step: only the shooter rolls. Reserves the next roll index:
 * betting closes and the roll clock stops until the roll is applied or cancelled, so
 * nobody bets on dice that consensus may already have revealed, and two roll sagas
 * never roll the same index. TRY_AGAIN while the last roll is not yet paid (close-round).
 */
export function checkShooter(g: GameRecord, cmd: CheckShooterCommand, now: number): Decision<CheckShooterReply> {
  const key = opKey.shoot(cmd.opId);
  const replay = recall(g, key) as CheckShooterReply | undefined;
  if (replay) return { reply: replay };
  if (g.status === 'closed') return answer(g, key, refuse('GAME_CLOSED', 'the game is closed'));
  if (g.status === 'suspended') return answer(g, key, refuse('GAME_SUSPENDED', 'the game is suspended'));
  if (!seatOf(g, cmd.playerId)) return answer(g, key, refuse('NOT_SHOOTER', 'you are not seated at this table'));
  if (g.shooter !== cmd.playerId) return answer(g, key, refuse('NOT_SHOOTER', 'another player has the dice'));
  if (g.pendingRoll) return answer(g, key, refuse('CONFLICT', `roll ${g.pendingRoll.rollIndex} is in progress`));
  // one roll at a time until it is paid: the table does not move on past unpaid bets, and a
  // retried apply-roll always finds its roll among the kept ones (not remembered: it passes)
  if (g.settledThrough < g.rollCount) return { reply: refuse('TRY_AGAIN', `roll ${g.rollCount} is being paid: roll again once it is`) };
  const rollIndex = g.rollCount + 1;
  const reserved: GameRecord = { ...g, pendingRoll: { rollIndex, opId: cmd.opId, at: new Date(now).toISOString() } };
  return answer(withRollClock(reserved, now, false), key, { ok: true as const, rollIndex, shooter: cmd.playerId });
}

/**
 * Compensation of check-shooter: releases the reserved roll, the shooter keeps the dice
 * with a fresh roll clock. Harmless when nothing was reserved; a check-shooter arriving
 * after it is refused. Keyed by the check-shooter's op id.
 */
export function cancelRoll(g: GameRecord, checkOpId: string, now: number): Decision<CancelRollReply> {
  const key = opKey.cancelRoll(checkOpId);
  const replay = recall(g, key) as CancelRollReply | undefined;
  if (replay) return { reply: replay };
  if (g.pendingRoll?.opId === checkOpId) {
    const released = withRollClock({ ...g, pendingRoll: null }, now, true);
    return answer(released, key, { ok: true as const, cancelled: true, rollIndex: g.pendingRoll.rollIndex });
  }
  const checked = recall(g, opKey.shoot(checkOpId)) as CheckShooterReply | undefined;
  const reply = { ok: true as const, cancelled: false, rollIndex: checked?.ok ? checked.rollIndex : null };
  if (g.status === 'closed') return { reply };
  const next = checked ? g : answer(g, opKey.shoot(checkOpId), refuse('CONFLICT', 'this roll was cancelled before it was checked')).next;
  return answer(next, key, reply);
}

/**
 * The pivot of the roll saga: applies the dice to the reserved roll (libs/craps
 * `applyRoll`), credits each win (stake + payout) and push (stake) to the table's view
 * of the stacks, moves the game on, and reopens betting. Idempotent on rollIndex: a
 * replay with the same dice answers the same outcome.
 */
export function applyRollTo(g: GameRecord, cmd: ApplyRollCommand, now: number): Decision<ApplyRollReply> {
  const { rollIndex, dice } = cmd;
  if (rollIndex <= g.rollCount) {
    const done = g.rolls.find((r) => r.rollIndex === rollIndex);
    if (!done) return { reply: refuse('CONFLICT', `roll ${rollIndex} was applied too long ago to replay`) };
    if (done.dice[0] !== dice[0] || done.dice[1] !== dice[1])
      return { reply: refuse('CONFLICT', `roll ${rollIndex} was applied with other dice (${done.dice.join(', ')})`) };
    return { reply: { ok: true, roll: done } };
  }
  if (g.status === 'closed') return { reply: refuse('GAME_CLOSED', 'the game is closed') };
  if (g.status === 'suspended') return { reply: refuse('GAME_SUSPENDED', 'the game is suspended') };
  if (g.pendingRoll?.rollIndex !== rollIndex)
    return { reply: refuse('CONFLICT', `roll ${rollIndex} is not the reserved one (${g.pendingRoll ? `roll ${g.pendingRoll.rollIndex} is` : 'none is'}): check the shooter first`) };

  const result = applyRoll(toTable(g), g.bets.map(toCrapsBet), dice as unknown as Dice);
  const returns = new Map<string, number>();
  for (const r of result.resolutions) {
    if (r.outcome === 'lose') continue;
    returns.set(r.playerId, (returns.get(r.playerId) ?? 0) + r.amount + r.payout);
  }
  const roll: RollOutcome = {
    rollIndex,
    dice: [dice[0], dice[1]],
    total: result.total,
    phase: result.table.phase,
    point: result.table.point,
    shooter: result.table.shooter,
    sevenOut: result.sevenOut,
    nextShooter: result.nextShooter,
    resolutions: result.resolutions.map((r) => ({
      betId: r.betId,
      playerId: r.playerId,
      type: r.type,
      ...(r.number !== undefined && r.number !== null ? { number: r.number } : {}),
      outcome: r.outcome,
      amount: r.amount,
      payout: r.payout,
    })),
    moved: result.moved.map((b) => ({ betId: b.betId, point: b.point! })),
  };
  const next: GameRecord = {
    ...g,
    phase: result.table.phase,
    point: result.table.point,
    shooter: result.table.shooter,
    rollCount: result.table.rollCount,
    bets: result.standing.map(fromCrapsBet),
    players: g.players.map((p) => (returns.has(p.playerId) ? { ...p, stack: p.stack + returns.get(p.playerId)! } : p)),
    pendingRoll: null,
    rolls: [...g.rolls.slice(-(ROLLS_KEPT - 1)), roll],
  };
  return { next: withRollClock(next, now, true), reply: { ok: true, roll } };
}

/**
 * The roll saga's last lifecycle step, once treasury settled every resolution: records
 * the roll as settled. Never refused for a roll that was applied (the payout saga only
 * moves forward), also on a suspended or closed game.
 */
export function closeRound(g: GameRecord, rollIndex: number): Decision<CloseRoundReply> {
  if (rollIndex > g.rollCount) return { reply: refuse('CONFLICT', `roll ${rollIndex} has not been applied`) };
  const settledThrough = Math.max(g.settledThrough, rollIndex);
  const reply = { ok: true as const, rollIndex, settledThrough };
  return settledThrough === g.settledThrough || g.status === 'closed' ? { reply } : { next: { ...g, settledThrough }, reply };
}

/**
 * The roll clock ran out: the dice pass to the next seat (the point, if any, stays).
 * `rearmAt`: the clock had moved on (Redis was stale), arm it there instead.
 */
export function passDiceOnTimeout(g: GameRecord, now: number): { next?: GameRecord; passed?: { from: string; to: string }; rearmAt?: number } {
  if (g.status !== 'open' || g.rollDeadline === null || g.pendingRoll || g.shooter === null) return {};
  if (g.rollDeadline > now) return { rearmAt: g.rollDeadline };
  const to = nextInSeatOrder(g.players.map((p) => p.playerId), g.shooter);
  if (to === null || to === g.shooter) return { next: withRollClock(g, now, true) };
  return { next: withRollClock({ ...g, shooter: to }, now, true), passed: { from: g.shooter, to } };
}
