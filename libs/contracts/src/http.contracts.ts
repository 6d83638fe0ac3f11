import { z } from 'zod';
import { ChipsSchema, PositiveChipsSchema } from './money';
import { PlayerIdSchema } from './ids';
import { PlayerNameSchema } from './player.contracts';
import { BetTypeSchema, GameSettingsInputSchema } from './game-settings';
import { Ed25519PublicKeySchema } from './public-key';
import { AdminReasonSchema } from './lifecycle.contracts';

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

export const JoinBodySchema = z.strictObject({
  buyIn: PositiveChipsSchema,
  publicKey: Ed25519PublicKeySchema.optional(),
  password: z.string().min(1).max(128).optional(),
});

export const BetBodySchema = z.strictObject({
  type: BetTypeSchema,
  amount: PositiveChipsSchema,
  number: z.number().int().min(2).max(12).optional(),
});

/** POST /v1/admin/bankroll/fund: chips an operator adds to the house bankroll. */
export const FundBankrollBodySchema = z.strictObject({
  amount: PositiveChipsSchema,
  /** Why: logged by the gateway with the operation's id. */
  reason: AdminReasonSchema.optional(),
});

/** Its answer: the operation (once per id, whatever the retries) and the bankroll after it. */
export const FundBankrollAnswerSchema = z.object({ opId: z.string(), amount: PositiveChipsSchema, bankroll: ChipsSchema });
