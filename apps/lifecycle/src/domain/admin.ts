import { refuse, type CloseGame, type ReplyOf, type ResumeGame, type SuspendGame } from '@bitcraps/contracts';
import { touch, withRollClock } from './clocks';
import { moneyInFlight, toGameView, toLayoutBet, type Decision, type GameRecord } from './game';
import { answer, opKey, recall } from './op-log';

export type SuspendReply = ReplyOf<typeof SuspendGame>;
export type ResumeReply = ReplyOf<typeof ResumeGame>;
export type CloseReply = ReplyOf<typeof CloseGame>;

/**
 * Operator: a suspended game refuses joins, bets and rolls, and its clocks stop. What is
 * in flight may still finish or be undone (unseat, remove-bet, cancel-roll, close-round).
 * Suspending a suspended game answers the game as it is.
 */
export function suspendGame(g: GameRecord, cmd: { reason: string; opId: string }, now: number): Decision<SuspendReply> {
  const key = opKey.suspend(cmd.opId);
  const replay = recall(g, key) as SuspendReply | undefined;
  if (replay) return { reply: replay };
  if (g.status === 'closed') return answer(g, key, refuse('GAME_CLOSED', 'the game is closed'));
  if (g.status === 'suspended') return answer(g, key, { ok: true as const, game: toGameView(g) });
  const next: GameRecord = { ...g, status: 'suspended', suspension: { reason: cmd.reason, at: new Date(now).toISOString() }, inactiveAt: null, rollDeadline: null };
  return answer(next, key, { ok: true as const, game: toGameView(next) });
}

/** Operator: the game opens again; its inactivity and roll clocks start afresh. */
export function resumeGame(g: GameRecord, cmd: { opId: string }, now: number): Decision<ResumeReply> {
  const key = opKey.resume(cmd.opId);
  const replay = recall(g, key) as ResumeReply | undefined;
  if (replay) return { reply: replay };
  if (g.status === 'closed') return answer(g, key, refuse('GAME_CLOSED', 'the game is closed'));
  if (g.status === 'open') return answer(g, key, { ok: true as const, game: toGameView(g) });
  const next = withRollClock(touch({ ...g, status: 'open', suspension: null }, now), now, true);
  return answer(next, key, { ok: true as const, game: toGameView(next) });
}

/**
 * The expire saga's last step: closes the game for good. The table empties (players,
 * bets, shooter, reserved roll) and the answer lists what was on it. Closing a closed
 * game answers it with empty lists.
 */
export function closeGame(g: GameRecord, cmd: { reason: string; opId: string }, now: number): Decision<CloseReply> {
  const key = opKey.close(cmd.opId);
  const replay = recall(g, key) as CloseReply | undefined;
  if (replay) return { reply: replay };
  if (g.status === 'closed') return { reply: { ok: true, game: toGameView(g), players: [], bets: [] } };
  // wait (not remembered) for chips on their way to a stack: they would land after the cash-outs
  const inFlight = moneyInFlight(g);
  if (inFlight) return { reply: refuse('TRY_AGAIN', `${inFlight}: the game closes once it is done`) };
  const next: GameRecord = {
    ...g,
    status: 'closed',
    closed: { reason: cmd.reason, at: new Date(now).toISOString() },
    suspension: null,
    players: [],
    bets: [],
    held: [],
    shooter: null,
    pendingRoll: null,
    inactiveAt: null,
    rollDeadline: null,
  };
  return answer(next, key, {
    ok: true as const,
    game: toGameView(next),
    players: g.players.map((p) => ({ playerId: p.playerId, stack: p.stack })),
    bets: g.bets.map(toLayoutBet),
  });
}

/**
 * The inactivity deadline passed. Publish GameInactive (the expire saga's trigger) and
 * keep the game open; while nothing happens, remind every inactivityTimeoutMs. `rearmAt`
 * alone: the deadline had moved on (Redis was stale). Nothing: the clock is stopped.
 */
export function onInactivityDue(g: GameRecord, now: number): { next?: GameRecord; event?: { lastActivityAt: number; deadline: number }; rearmAt?: number } {
  if (g.status !== 'open' || g.inactiveAt === null) return {};
  if (g.inactiveAt > now) return { rearmAt: g.inactiveAt };
  const next: GameRecord = { ...g, inactiveAt: now + g.config.inactivityTimeoutMs };
  return { next, event: { lastActivityAt: g.lastActivityAt, deadline: g.inactiveAt }, rearmAt: next.inactiveAt! };
}
