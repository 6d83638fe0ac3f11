import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const LifecycleConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Admission control: open (or suspended) games at once; one more create is TOO_MANY_GAMES. */
  MAX_CONCURRENT_GAMES: z.coerce.number().int().min(1).default(10_000),
  /** Tables one player may sit at at once; one more seat is TOO_MANY_TABLES. */
  MAX_GAMES_PER_PLAYER: z.coerce.number().int().min(1).default(10),
  /** Pause between timeout sweeps (game inactivity, roll clock). */
  TIMEOUT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /** Life of the per-game Redis lock; a holder slower than this is fenced off. */
  GAME_LOCK_TTL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** How long a command waits for a game's lock before it fails (and is redelivered). */
  GAME_LOCK_WAIT_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  /** Prefix of every Redis key lifecycle writes (none in production). */
  REDIS_KEY_PREFIX: z.string().regex(/^[\w:.-]*$/, 'letters, digits and _ : . - only').default(''),
});
export type LifecycleConfig = z.infer<typeof LifecycleConfigSchema>;
