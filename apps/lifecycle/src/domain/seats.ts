import { ed25519PublicKeyHex, refuse, type ConfirmLeave, type ConfirmSeat, type OkReplyOf, type PayloadOf, type Refusal, type ReplyOf, type SeatPlayer, type UnseatPlayer } from '@bitcraps/contracts';
import { hasContractBets, nextInSeatOrder } from '@bitcraps/craps';
import { withRollClock } from './clocks';
import { moneyInFlight, seatOf, toCrapsBet, toTable, type Decision, type GameRecord, type Seat } from './game';
import { answer, opKey, recall } from './op-log';

export type SeatCommand = PayloadOf<typeof SeatPlayer>;
export type SeatReply = ReplyOf<typeof SeatPlayer>;
export type UnseatCommand = PayloadOf<typeof UnseatPlayer>;
export type UnseatReply = ReplyOf<typeof UnseatPlayer>;

export interface SeatContext {
  now: number;
  /** The password check, done outside (scrypt is slow); true at a public table. */
  passwordOk: boolean;
  /** Whether the player has a table slot left (MAX_GAMES_PER_PLAYER); the shell reserves it. */
  tableSlot: boolean;
}

/** The answer a replayed seat gets: the first one. */
export function recallSeat(g: GameRecord, opId: string): SeatReply | undefined {
  return recall(g, opKey.seat(opId)) as SeatReply | undefined;
}

/**
 * Why this player may not sit here now, in the order a player would want to hear it;
 * null when they may. A buy-in outside the table's limits is BET_LIMIT (422, like a stake
 * outside minBet..maxBet): the request is well formed, the table's limits refuse it.
 */
export function seatRefusal(g: GameRecord, cmd: SeatCommand, ctx: Omit<SeatContext, 'now'>): Refusal | null {
  if (g.status === 'closed') return refuse('GAME_CLOSED', 'the game is closed');
  if (g.status === 'suspended') return refuse('GAME_SUSPENDED', 'the game is suspended');
  if (seatOf(g, cmd.playerId)) return refuse('ALREADY_SEATED', 'you are seated at this table already');
  if (g.leaving.some((l) => l.playerId === cmd.playerId)) return refuse('TRY_AGAIN', 'your leave from this table is still being settled: sit down once it is done');
  if (g.players.length >= g.config.maxPlayers) return refuse('GAME_FULL', `the table has ${g.config.maxPlayers} seats, all taken`);
  if (!ctx.passwordOk) return refuse('WRONG_PASSWORD', 'this private table needs its password');
  if (cmd.buyIn < g.config.minBuyIn || cmd.buyIn > g.config.maxBuyIn)
    return refuse('BET_LIMIT', `the buy-in must be between ${g.config.minBuyIn} and ${g.config.maxBuyIn}`);
  if (g.config.consensus === 'quorum' && !cmd.publicKey) return refuse('VALIDATION_FAILED', 'a quorum table needs your public key');
  // checked here, before the join's pivot: consensus refusing the key after the stack credit would strand the join
  if (cmd.publicKey !== undefined && ed25519PublicKeyHex(cmd.publicKey) === null)
    return refuse('VALIDATION_FAILED', 'publicKey: not an Ed25519 public key (the raw 32 bytes as hex or base64, or SPKI DER as base64)');
  if (!ctx.tableSlot) return refuse('TOO_MANY_TABLES', 'you sit at as many tables as you may');
  return null;
}

/** Seats the player last in seat order; the first player seated becomes the shooter. */
export function seatPlayer(g: GameRecord, cmd: SeatCommand, ctx: SeatContext): Decision<SeatReply> {
  const key = opKey.seat(cmd.opId);
  const replay = recallSeat(g, cmd.opId);
  if (replay) return { reply: replay };
  const refusal = seatRefusal(g, cmd, ctx);
  // "not now" is never remembered: the same seat, retried, must see the table as it is then
  if (refusal) return refusal.code === 'TRY_AGAIN' ? { reply: refusal } : answer(g, key, refusal);
  const shooter = g.shooter ?? cmd.playerId;
  const seated: GameRecord = {
    ...g,
    players: [
      ...g.players,
      {
        playerId: cmd.playerId,
        stack: cmd.buyIn,
        seatedAt: new Date(ctx.now).toISOString(),
        ...(cmd.publicKey ? { publicKey: cmd.publicKey } : {}),
        seatOpId: cmd.opId,
        ...(cmd.confirm ? { joining: cmd.opId } : {}),
      },
    ],
    shooter,
  };
  const reply: OkReplyOf<typeof SeatPlayer> = { ok: true, playerId: cmd.playerId, stack: cmd.buyIn, seat: g.players.length, shooter };
  return answer(withRollClock(seated, ctx.now, g.shooter !== shooter), key, reply);
}

/**
 * Unseats the player. Refused with BETS_ON_LAYOUT while they have contract bets; TRY_AGAIN
 * while they are the shooter of a reserved roll and, for a leave, while chips are on
 * their way to their stack (moneyInFlight). Their other bets come down
 * and their stakes go back to the stack. A shooter who leaves passes the dice to the
 * next seat; an empty table starts over on a come-out. As a compensation it is harmless
 * when the player is not seated, and `compensates` leaves a tombstone so that the seat
 * it compensates, arriving late, is refused.
 */
export function unseatPlayer(g: GameRecord, cmd: UnseatCommand, now: number): Decision<UnseatReply> {
  const key = opKey.unseat(cmd.opId);
  const replay = recall(g, key) as UnseatReply | undefined;
  if (replay) return { reply: replay };
  // a compensation undoes its own seat only: the player may sit here by another join since
  const found = seatOf(g, cmd.playerId);
  const seat = found && (!cmd.compensates || seatTakenBy(g, found, cmd.compensates)) ? found : undefined;
  if (!seat) {
    const reply: UnseatReply = { ok: true, playerId: cmd.playerId, wasSeated: false, stack: 0, returnedBets: [], shooter: g.shooter };
    if (g.status === 'closed') return { reply };
    // a leave holds the player even when not seated: their join may be on its way
    let next = answer(holdLeaver(g, cmd), key, reply).next;
    if (cmd.compensates && recallSeat(g, cmd.compensates) === undefined) {
      next = answer(next, opKey.seat(cmd.compensates), refuse('CONFLICT', 'this seat was withdrawn by its compensation')).next;
    }
    return { next, reply };
  }
  if (hasContractBets(g.bets.map(toCrapsBet), cmd.playerId, toTable(g)))
    return answer(g, key, refuse('BETS_ON_LAYOUT', 'you have contract bets on the layout (pass or come with a point): they stay until they resolve'));
  // "not now" answers are never remembered: the same unseat, retried, must see the table as it is then
  if (g.pendingRoll && g.shooter === cmd.playerId) return { reply: refuse('TRY_AGAIN', 'the dice are rolling: leave after this roll') };
  // a leave waits for the chips still on their way to this stack (a join's own compensation does not)
  const inFlight = cmd.compensates ? null : moneyInFlight(g, cmd.playerId);
  if (inFlight) return { reply: refuse('TRY_AGAIN', `${inFlight}: leave once it is done`) };

  const returned = g.bets.filter((b) => b.playerId === cmd.playerId);
  const stack = seat.stack + returned.reduce((sum, b) => sum + b.amount, 0);
  const players = g.players.filter((p) => p.playerId !== cmd.playerId);
  const shooter = g.shooter === cmd.playerId ? (players.length ? nextInSeatOrder(g.players.map((p) => p.playerId), cmd.playerId) : null) : g.shooter;
  let next: GameRecord = { ...holdLeaver(g, cmd), players, bets: g.bets.filter((b) => b.playerId !== cmd.playerId), shooter };
  if (players.length === 0) next = { ...next, phase: 'come-out', point: null };
  next = withRollClock(next, now, shooter !== g.shooter);
  const reply: UnseatReply = {
    ok: true,
    playerId: cmd.playerId,
    wasSeated: true,
    stack,
    returnedBets: returned.map((b) => ({ betId: b.betId, amount: b.amount })),
    shooter,
  };
  if (cmd.compensates && recallSeat(next, cmd.compensates) === undefined) {
    next = answer(next, opKey.seat(cmd.compensates), refuse('CONFLICT', 'this seat was withdrawn by its compensation')).next;
  }
  return answer(next, key, reply);
}

export type ConfirmSeatCommand = PayloadOf<typeof ConfirmSeat>;
export type ConfirmSeatReply = ReplyOf<typeof ConfirmSeat>;

/**
 * The join saga's last step: the seat taken by `seatOpId` is settled, its player may
 * leave. Never refused; idempotent (a confirmed seat stays confirmed); `confirmed: false`
 * when no seat of that op is here (the player left, the join was undone, the game closed).
 */
export function confirmSeat(g: GameRecord, cmd: ConfirmSeatCommand): Decision<ConfirmSeatReply> {
  const seat = seatOf(g, cmd.playerId);
  const ours = seat !== undefined && seatTakenBy(g, seat, cmd.seatOpId);
  const reply: ConfirmSeatReply = { ok: true, playerId: cmd.playerId, confirmed: ours };
  if (!ours || seat.joining === undefined) return { reply };
  const players = g.players.map((p) => {
    if (p.playerId !== cmd.playerId) return p;
    const { joining: _confirmed, ...settled } = p;
    return settled;
  });
  return { next: { ...g, players }, reply };
}

/** A leave (`confirm`, never a compensation) holds its player as leaving until ConfirmLeave. */
function holdLeaver(g: GameRecord, cmd: UnseatCommand): GameRecord {
  if (!cmd.confirm || cmd.compensates || g.leaving.some((l) => l.opId === cmd.opId)) return g;
  return { ...g, leaving: [...g.leaving, { playerId: cmd.playerId, opId: cmd.opId }] };
}

export type ConfirmLeaveCommand = PayloadOf<typeof ConfirmLeave>;
export type ConfirmLeaveReply = ReplyOf<typeof ConfirmLeave>;

/** The leave saga's last step: its player may sit here again. Never refused; idempotent. */
export function confirmLeave(g: GameRecord, cmd: ConfirmLeaveCommand): Decision<ConfirmLeaveReply> {
  const held = g.leaving.some((l) => l.opId === cmd.leaveOpId && l.playerId === cmd.playerId);
  const reply: ConfirmLeaveReply = { ok: true, playerId: cmd.playerId, released: held };
  return held ? { next: { ...g, leaving: g.leaving.filter((l) => l.opId !== cmd.leaveOpId) }, reply } : { reply };
}

/** Whether `seat` was taken by the SeatPlayer `opId` (for seats from before seatOpId was kept: its remembered answer). */
function seatTakenBy(g: GameRecord, seat: Seat, opId: string): boolean {
  if (seat.seatOpId !== undefined) return seat.seatOpId === opId;
  return recallSeat(g, opId)?.ok === true;
}
