import { z } from 'zod';
import { ApplyRoll, CloseGame, CreateGame, RecordBet, RemoveBet, SeatPlayer, UnseatPlayer } from '@bitcraps/contracts';
import type { StatsFact } from './domain/stats-event';

/**
 * What stats reads of each reply, no more: a reply with more fields still folds, one
 * without these is no fact. Ids are only checked to be non-empty strings (the fold keys
 * by them, it does not interpret them).
 */
const Id = z.string().min(1).max(200);
const Amount = z.number().int().positive();
const Ok = { ok: z.literal(true) };
const bodies = {
  created: z.object({ ...Ok, game: z.object({ gameId: Id, status: z.string().optional() }) }),
  closed: z.object({ ...Ok, game: z.object({ gameId: Id }) }),
  seated: z.object({ ...Ok, playerId: Id }),
  unseated: z.object({ ...Ok, playerId: Id, wasSeated: z.boolean(), returnedBets: z.array(z.object({ betId: Id, amount: Amount })).default([]) }),
  recorded: z.object({ ...Ok, bet: z.object({ betId: Id, amount: Amount }) }),
  removed: z.object({ ...Ok, betId: Id, status: z.string() }),
  rolled: z.object({
    ...Ok,
    roll: z.object({
      rollIndex: z.number().int().min(1),
      dice: z.tuple([z.number().int().min(1).max(6), z.number().int().min(1).max(6)]),
      resolutions: z.array(z.object({ betId: Id, outcome: z.enum(['win', 'lose', 'push']), amount: Amount, payout: z.number().int().min(0) })),
    }),
  }),
};

/** Where the fact comes from beside the body: the reply's headers. */
export interface FactMeta {
  /** The game, from the ordering-key header when the body does not carry it. */
  gameId?: string;
  /** The command's correlation id (a saga's id: the same for every retry of its steps). */
  correlationId?: string;
}

type Mapper = (body: unknown, m: FactMeta) => StatsFact | null;
function mapper<S extends z.ZodTypeAny>(schema: S, map: (b: z.infer<S>, m: FactMeta) => StatsFact | null): Mapper {
  return (body, m) => {
    const parsed = schema.safeParse(body);
    return parsed.success ? map(parsed.data, m) : null;
  };
}

/**
 * EVT subject → the fact stats folds. Replies are events (DESIGN.md section 2): only
 * successful ones (`ok: true`) are facts. Subjects not listed change no figure.
 */
const mappers: Record<string, Mapper> = {
  // a create answering a closed game is a replay after the close (a create never closes one)
  [CreateGame.replySubject]: mapper(bodies.created, (b) => (b.game.status !== 'closed' ? { kind: 'game-created', gameId: b.game.gameId } : null)),
  [CloseGame.replySubject]: mapper(bodies.closed, (b) => ({ kind: 'game-closed', gameId: b.game.gameId })),
  [SeatPlayer.replySubject]: mapper(bodies.seated, (b, { gameId, correlationId }) =>
    gameId ? { kind: 'player-seated', gameId, playerId: b.playerId, ...(correlationId ? { seatId: correlationId } : {}) } : null,
  ),
  [UnseatPlayer.replySubject]: mapper(bodies.unseated, (b, { gameId, correlationId }) =>
    b.wasSeated && gameId
      ? { kind: 'player-left', gameId, playerId: b.playerId, returnedBets: b.returnedBets, ...(correlationId ? { leaveId: correlationId } : {}) }
      : null,
  ),
  [RecordBet.replySubject]: mapper(bodies.recorded, (b, { gameId }) => (gameId ? { kind: 'bet-placed', gameId, betId: b.bet.betId, amount: b.bet.amount } : null)),
  [RemoveBet.replySubject]: mapper(bodies.removed, (b, { gameId }) => (b.status === 'removed' && gameId ? { kind: 'bet-removed', gameId, betId: b.betId } : null)),
  [ApplyRoll.replySubject]: mapper(bodies.rolled, (b, { gameId }) =>
    gameId ? { kind: 'roll-applied', gameId, rollIndex: b.roll.rollIndex, dice: b.roll.dice, resolutions: b.roll.resolutions } : null,
  ),
};

/**
 * The fact an EVT message states, or null (another subject, a refusal, a malformed body:
 * no figure changes).
 */
export function toStatsFact(subject: string, body: unknown, meta: FactMeta = {}): StatsFact | null {
  return mappers[subject]?.(body, meta) ?? null;
}

export const FOLDED_SUBJECTS = Object.keys(mappers);
