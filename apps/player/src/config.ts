import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';
import { DEFAULT_SESSION_IDLE_MS } from './domain/sessions';

export const PlayerConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** Largest deposit at registration; 0 turns the dev faucet off (the production default). */
  FAUCET_MAX: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** A gap in a player's activity longer than this ends its session; the next activity opens another. */
  SESSION_IDLE_MS: z.coerce.number().int().min(1).max(7 * 24 * 3600 * 1000).default(DEFAULT_SESSION_IDLE_MS),
}).transform((c) => ({ ...c, FAUCET_MAX: c.FAUCET_MAX ?? (c.NODE_ENV === 'production' ? 0 : 1_000_000) }));
export type PlayerConfig = z.infer<typeof PlayerConfigSchema>;
