import { refuse, type LayoutBet, type PayloadOf, type RecordBet, type Refusal, type ReleaseBetHold, type RemoveBet, type ReplyOf, type ValidateBet } from '@bitcraps/contracts';
import { canRemoveBet, createBet, validateBet } from '@bitcraps/craps';
import { fromCrapsBet, seatOf, tableConfigOf, toCrapsBet, toLayoutBet, toTable, type Decision, type GameRecord } from './game';
import { answer, opKey, recall } from './op-log';

export type BetCommand = PayloadOf<typeof ValidateBet>;
export type RecordBetCommand = PayloadOf<typeof RecordBet>;
export type RecordBetReply = ReplyOf<typeof RecordBet>;
export type RemoveBetCommand = PayloadOf<typeof RemoveBet>;
export type RemoveBetReply = ReplyOf<typeof RemoveBet>;

const sameBet = (a: Pick<LayoutBet, 'playerId' | 'type' | 'number' | 'amount'>, b: BetCommand) =>
  a.playerId === b.playerId && a.type === b.type && (a.number ?? null) === (b.number ?? null) && a.amount === b.amount;

/**
 * Why this bet may not go on the layout now; null when it may. Betting is closed while a
 * roll is reserved (between check-shooter and apply-roll): nobody bets on dice that may
 * already be known. The stake must fit the table's view of the player's stack.
 */
export function betRefusal(g: GameRecord, bet: BetCommand): Refusal | null {
  if (g.status === 'closed') return refuse('GAME_CLOSED', 'the game is closed');
  if (g.status === 'suspended') return refuse('GAME_SUSPENDED', 'the game is suspended');
  const seat = seatOf(g, bet.playerId);
  if (!seat) return refuse('NOT_SEATED', 'sit at the table before you bet');
  if (g.pendingRoll) return refuse('BET_NOT_ALLOWED', 'betting is closed while the dice roll');
  const checked = validateBet(toTable(g), g.bets.map(toCrapsBet), bet, tableConfigOf(g.config));
  if (!checked.ok) return refuse(checked.code, checked.message);
  if (seat.stack < bet.amount) return refuse('INSUFFICIENT_STACK', `your stack at this table is ${seat.stack}`);
  return null;
}

/**
 * The bet saga's first step: may this bet go on the layout now? If so it is held under
 * its id (its player may not leave, the game may not close) until record-bet or
 * remove-bet settles it. A bet already held or recorded under this id passes (a replay);
 * another bet under the same id, or a withdrawn id, is a CONFLICT. A refusal is final for
 * that id: remembered, it answers every later validate-bet and record-bet of it.
 */
export function checkBet(g: GameRecord, bet: BetCommand, now: number): Decision<ReplyOf<typeof ValidateBet>> {
  const onLayout = g.bets.find((b) => b.betId === bet.betId);
  const logged = recall(g, opKey.bet(bet.betId)) as RecordBetReply | undefined;
  const known = onLayout ?? (logged?.ok ? logged.bet : undefined);
  if (known) return { reply: sameBet(known, bet) ? { ok: true, betId: bet.betId } : refuse('CONFLICT', `bet id ${bet.betId} names another bet`) };
  if (logged && !logged.ok) return { reply: logged };
  const held = g.held.find((h) => h.betId === bet.betId);
  if (held) return { reply: held.playerId === bet.playerId ? { ok: true, betId: bet.betId } : refuse('CONFLICT', `bet id ${bet.betId} names another bet`) };
  // a refusal is remembered under the bet id: the saga compensates and is done with it,
  // so a late duplicate of this command (or a late record-bet) must not find the bet open
  const refusal = betRefusal(g, bet);
  if (refusal) return g.status === 'closed' ? { reply: refusal } : answer(g, opKey.bet(bet.betId), refusal);
  return { next: { ...g, held: [...g.held, { betId: bet.betId, playerId: bet.playerId, at: new Date(now).toISOString() }] }, reply: { ok: true, betId: bet.betId } };
}

/** The record without the hold of `betId` (ended by record-bet, or by release-bet-hold). */
const unhold = (g: GameRecord, betId: string): GameRecord => (g.held.some((h) => h.betId === betId) ? { ...g, held: g.held.filter((h) => h.betId !== betId) } : g);

/**
 * Puts the bet on the layout (validated again: the table may have moved since
 * validate-bet) and takes its stake off the table's view of the stack. Idempotent by
 * bet id: a replay answers the first answer; the same id with another bet is a CONFLICT.
 */
export function recordBet(g: GameRecord, cmd: RecordBetCommand): Decision<RecordBetReply> {
  const key = opKey.bet(cmd.betId);
  const logged = recall(g, key) as RecordBetReply | undefined;
  if (logged) {
    if (logged.ok && !sameBet(logged.bet, cmd)) return { reply: refuse('CONFLICT', `bet id ${cmd.betId} names another bet`) };
    return { reply: logged };
  }
  if (g.bets.some((b) => b.betId === cmd.betId)) return { reply: refuse('CONFLICT', `bet id ${cmd.betId} is on the layout already`) };
  // refused, the bet stays held: its saga releases the escrow, then the hold (ReleaseBetHold)
  const refusal = betRefusal(g, cmd);
  if (refusal) return answer(g, key, refusal);
  const bet = fromCrapsBet(createBet(cmd, cmd.betId));
  const players = g.players.map((p) => (p.playerId === cmd.playerId ? { ...p, stack: p.stack - cmd.amount } : p));
  const stack = players.find((p) => p.playerId === cmd.playerId)!.stack;
  return answer({ ...unhold(g, cmd.betId), bets: [...g.bets, bet], players }, key, { ok: true as const, bet: toLayoutBet(bet), stack });
}

/**
 * Takes a bet down, its stake back to the table's view of the stack: a player's choice
 * or the compensation of record-bet. Contract bets are refused (BET_NOT_REMOVABLE). No
 * exception for compensations: a bet becomes a contract bet only when a roll passes over
 * it, so a compensation that runs before the next roll always succeeds, and after one
 * the bet is in play and must resolve. Idempotent by bet id. A bet never recorded is
 * `absent` and its id is burnt (a late record-bet is refused); one a roll settled is
 * `resolved`. A hold of validate-bet stays (ReleaseBetHold ends it, last). Works on
 * suspended games (compensations must); harmless on closed ones.
 */
export function removeBet(g: GameRecord, cmd: RemoveBetCommand): Decision<RemoveBetReply> {
  const key = opKey.removal(cmd.betId);
  const logged = recall(g, key) as RemoveBetReply | undefined;
  if (logged) return { reply: logged };
  const bet = g.bets.find((b) => b.betId === cmd.betId);
  if (!bet) {
    const recorded = recall(g, opKey.bet(cmd.betId)) as RecordBetReply | undefined;
    if (recorded?.ok) return answer(g, key, { ok: true as const, betId: cmd.betId, status: 'resolved' as const, amount: 0, playerId: recorded.bet.playerId });
    const reply = { ok: true as const, betId: cmd.betId, status: 'absent' as const, amount: 0, playerId: null };
    if (g.status === 'closed') return { reply };
    const burnt = recorded ? g : answer(g, opKey.bet(cmd.betId), refuse('CONFLICT', `bet ${cmd.betId} was withdrawn before it was recorded`)).next;
    return answer(burnt, key, reply);
  }
  if (!canRemoveBet(toTable(g), toCrapsBet(bet)))
    return answer(g, key, refuse('BET_NOT_REMOVABLE', `a ${bet.type} bet with a point stays on the layout until it resolves`));
  const players = g.players.map((p) => (p.playerId === bet.playerId ? { ...p, stack: p.stack + bet.amount } : p));
  const next = { ...g, bets: g.bets.filter((b) => b.betId !== cmd.betId), players };
  return answer(next, key, { ok: true as const, betId: cmd.betId, status: 'removed' as const, amount: bet.amount, playerId: bet.playerId });
}

export type ReleaseBetHoldCommand = PayloadOf<typeof ReleaseBetHold>;
export type ReleaseBetHoldReply = ReplyOf<typeof ReleaseBetHold>;

/**
 * The bet saga's last compensation: the bet is no longer under way. A bet id never
 * recorded is burnt, so a validate-bet or record-bet delivered late is refused and holds
 * nothing. Never refused; harmless on a closed game.
 */
export function releaseBetHold(g: GameRecord, cmd: ReleaseBetHoldCommand): Decision<ReleaseBetHoldReply> {
  const held = g.held.some((h) => h.betId === cmd.betId);
  const reply: ReleaseBetHoldReply = { ok: true, betId: cmd.betId, held };
  if (g.status === 'closed') return { reply };
  const logged = recall(g, opKey.bet(cmd.betId));
  const next = unhold(g, cmd.betId);
  if (logged !== undefined || g.bets.some((b) => b.betId === cmd.betId)) return next === g ? { reply } : { next, reply };
  return { next: answer(next, opKey.bet(cmd.betId), refuse('CONFLICT', `bet ${cmd.betId} was withdrawn before it was recorded`)).next, reply };
}
