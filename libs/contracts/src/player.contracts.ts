import { z } from 'zod';
import { ChipsSchema } from './money';
import { PlayerIdSchema } from './ids';
import { defineCommand, defineQuery } from './subject';

/** Contracts owned by the player service: accounts and wallets. */
export const PlayerNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(40, 'name is at most 40 characters')
  .regex(/^[\p{L}\p{N} _.\-']+$/u, 'name holds letters, digits, spaces and _ . - \' only');

export const PlayerViewSchema = z.object({
  playerId: PlayerIdSchema,
  name: z.string(),
  balance: ChipsSchema,
});
export type PlayerView = z.infer<typeof PlayerViewSchema>;

/** Opens an account with an optional first deposit (the dev faucet). Replayed: the first answer. */
export const RegisterPlayer = defineCommand({
  service: 'player',
  verb: 'register-player',
  fact: 'player-registered',
  payload: z.strictObject({ playerId: PlayerIdSchema, name: PlayerNameSchema, deposit: ChipsSchema }),
  ok: { player: PlayerViewSchema },
});

export const GetPlayer = defineQuery({
  service: 'player',
  verb: 'get-player',
  payload: z.strictObject({ playerId: PlayerIdSchema }),
  ok: { player: PlayerViewSchema },
});
