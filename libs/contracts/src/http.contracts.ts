import { z } from 'zod';
import { ChipsSchema } from './money';
import { PlayerIdSchema } from './ids';
import { PlayerNameSchema } from './player.contracts';
import { GameSettingsInputSchema } from './game-settings';

/** Bodies of the gateway's HTTP API (DESIGN.md section 8). */
export const CreatePlayerBodySchema = z.strictObject({
  name: PlayerNameSchema,
  deposit: ChipsSchema.optional(),
});
export type CreatePlayerBody = z.infer<typeof CreatePlayerBodySchema>;

export const CreatePlayerResponseSchema = z.object({
  playerId: PlayerIdSchema,
  token: z.string(),
  balance: ChipsSchema,
});

export const PlayerMeResponseSchema = z.object({ playerId: PlayerIdSchema, name: z.string(), balance: ChipsSchema });

export const CreateGameBodySchema = GameSettingsInputSchema;
