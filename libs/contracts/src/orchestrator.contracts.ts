import { z } from 'zod';
import { BetTypeSchema } from './game-settings';
import { GameIdSchema, PlayerIdSchema, SagaIdSchema } from './ids';
import { ChipsSchema, PositiveChipsSchema } from './money';
import { LayoutBetIdSchema, SeatPublicKeySchema } from './lifecycle.contracts';
import { defineCommand, defineEvent, defineQuery } from './subject';

/** Contracts owned by the orchestrator: starting sagas and reading them. */
export const SagaTypeSchema = z.enum(['join', 'bet', 'roll', 'leave', 'expire']);
export const SagaStatusSchema = z.enum(['running', 'compensating', 'completed', 'compensated', 'failed']);

export const SagaViewSchema = z.object({
  sagaId: SagaIdSchema,
  type: SagaTypeSchema,
  /** The version of its definition it runs (1 when absent). */
  version: z.number().int().min(1).optional(),
  status: SagaStatusSchema,
  /** The player who started it (null for the expire saga). */
  playerId: PlayerIdSchema.nullable(),
  gameId: GameIdSchema.nullable(),
  steps: z.array(z.object({ name: z.string(), status: z.string(), attempts: z.number().int() })),
  error: z.object({ step: z.string(), code: z.string(), message: z.string() }).optional(),
  /** What the saga produced, by type: join `{stack}`, bet `{betId}`, roll the roll, leave `{returned}`. */
  result: z.record(z.string(), z.unknown()).optional(),
});
export type SagaView = z.infer<typeof SagaViewSchema>;

const Accepted = { sagaId: SagaIdSchema, status: SagaStatusSchema };

/** Starts a join saga (the gateway mints the saga id: a re-send starts nothing new). */
export const StartJoin = defineCommand({
  service: 'orchestrator',
  verb: 'start-join',
  fact: 'join-started',
  payload: z.strictObject({
    sagaId: SagaIdSchema,
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    buyIn: PositiveChipsSchema,
    password: z.string().min(1).max(128).optional(),
    publicKey: SeatPublicKeySchema.optional(),
  }),
  ok: Accepted,
});

export const StartBet = defineCommand({
  service: 'orchestrator',
  verb: 'start-bet',
  fact: 'bet-started',
  payload: z.strictObject({
    sagaId: SagaIdSchema,
    gameId: GameIdSchema,
    playerId: PlayerIdSchema,
    betId: LayoutBetIdSchema,
    type: BetTypeSchema,
    amount: PositiveChipsSchema,
    number: z.number().int().optional(),
  }),
  ok: Accepted,
});

export const StartLeave = defineCommand({
  service: 'orchestrator',
  verb: 'start-leave',
  fact: 'leave-started',
  payload: z.strictObject({ sagaId: SagaIdSchema, gameId: GameIdSchema, playerId: PlayerIdSchema }),
  ok: Accepted,
});

export const StartRoll = defineCommand({
  service: 'orchestrator',
  verb: 'start-roll',
  fact: 'roll-started',
  payload: z.strictObject({ sagaId: SagaIdSchema, gameId: GameIdSchema, playerId: PlayerIdSchema }),
  ok: Accepted,
});

/** A saga reached `completed`, `compensated` or `failed` (message id `saga-ended.<sagaId>`). */
export const SagaEnded = defineEvent({
  service: 'orchestrator',
  fact: 'saga-ended',
  payload: z.object({ saga: SagaViewSchema }),
});

export const GetSaga = defineQuery({
  service: 'orchestrator',
  verb: 'get-saga',
  payload: z.strictObject({ sagaId: SagaIdSchema }),
  ok: { saga: SagaViewSchema },
});

export const ListSagas = defineQuery({
  service: 'orchestrator',
  verb: 'list-sagas',
  payload: z.strictObject({ unfinishedOnly: z.boolean().default(true) }),
  ok: { sagas: z.array(SagaViewSchema) },
});

/** The audit of DESIGN.md section 4, assembled by the gateway from player and treasury. */
export const AuditSchema = z.object({
  deposits: ChipsSchema,
  bankroll: ChipsSchema,
  initialBankroll: ChipsSchema,
  bankrollAdditions: ChipsSchema,
  wallets: ChipsSchema,
  stacks: ChipsSchema,
  escrow: ChipsSchema,
  inFlight: z.number().int(),
  unfinishedSagas: z.number().int().min(0),
  balanced: z.boolean(),
});
