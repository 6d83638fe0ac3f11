import { refuse, type LayoutBet, type PayloadOf, type RecordBet, type Refusal, type RemoveBet, type ReplyOf, type ValidateBet } from '@bitcraps/contracts';
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
 * The bet saga's first check; changes nothing. A bet already recorded under this id
 * passes (a replay after record-bet); another bet under the same id is a CONFLICT.
 */
export function checkBet(g: GameRecord, bet: BetCommand): ReplyOf<typeof ValidateBet> {
  const onLayout = g.bets.find((b) => b.betId === bet.betId);
  const logged = recall(g, opKey.bet(bet.betId)) as RecordBetReply | undefined;
  const known = onLayout ?? (logged?.ok ? logged.bet : undefined);
  if (known) return sameBet(known, bet) ? { ok: true, betId: bet.betId } : refuse('CONFLICT', `bet id ${bet.betId} names another bet`);
  if (logged && !logged.ok) return logged;
  return betRefusal(g, bet) ?? { ok: true, betId: bet.betId };
}

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
  const refusal = betRefusal(g, cmd);
  if (refusal) return answer(g, key, refusal);
  const bet = fromCrapsBet(createBet(cmd, cmd.betId));
  const players = g.players.map((p) => (p.playerId === cmd.playerId ? { ...p, stack: p.stack - cmd.amount } : p));
  const stack = players.find((p) => p.playerId === cmd.playerId)!.stack;
  return answer({ ...g, bets: [...g.bets, bet], players }, key, { ok: true as const, bet: toLayoutBet(bet), stack });
}

/**
 * Takes a bet down, its stake back to the table's view of the stack: a player's choice
 * or the compensation of record-bet. Contract bets are refused (BET_NOT_REMOVABLE). No
 * exception for compensations: a bet becomes a contract bet only when a roll passes over
 * it, so a compensation that runs before the next roll always succeeds, and after one
 * the bet is in play and must resolve. Idempotent by bet id. A bet never recorded is
 * `absent` and its id is burnt (a late record-bet is refused); one a roll settled is
 * `resolved`. Works on suspended games (compensations must); harmless on closed ones.
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
