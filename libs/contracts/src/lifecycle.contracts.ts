import { z } from 'zod';
import { BetTypeSchema, GameConfigSchema, GameSettingsInputSchema } from './game-settings';
import { GameIdSchema, PlayerIdSchema } from './ids';
import { ChipsSchema, PositiveChipsSchema } from './money';
import { defineCommand, defineQuery } from './subject';

/** Contracts owned by the lifecycle service: games and their state machine. */
export const GameStatusSchema = z.enum(['open', 'suspended', 'closed']);
export const PhaseSchema = z.enum(['come-out', 'point']);

export const GameViewSchema = z.object({
  gameId: GameIdSchema,
  status: GameStatusSchema,
  phase: PhaseSchema,
  point: z.number().int().nullable(),
  shooter: PlayerIdSchema.nullable(),
  players: z.array(z.object({ playerId: PlayerIdSchema, stack: ChipsSchema })),
  bets: z.array(
    z.object({
      betId: z.string(),
      playerId: PlayerIdSchema,
      type: BetTypeSchema,
      number: z.number().int().optional(),
      amount: PositiveChipsSchema,
    }),
  ),
  rollCount: z.number().int().min(0),
  createdBy: PlayerIdSchema,
  createdAt: z.string(),
  config: GameConfigSchema,
});
export type GameView = z.infer<typeof GameViewSchema>;

/**
 * Opens a table. The gateway mints the game id, so a redelivered command finds the
 * game it already created and answers the same. Settings are the raw input; lifecycle
 * fills the defaults and checks them.
 */
export const CreateGame = defineCommand({
  service: 'lifecycle',
  verb: 'create-game',
  fact: 'game-created',
  payload: z.strictObject({ gameId: GameIdSchema, createdBy: PlayerIdSchema, settings: GameSettingsInputSchema }),
  ok: { game: GameViewSchema },
});

export const GetGame = defineQuery({
  service: 'lifecycle',
  verb: 'get-game',
  payload: z.strictObject({ gameId: GameIdSchema }),
  ok: { game: GameViewSchema },
});
