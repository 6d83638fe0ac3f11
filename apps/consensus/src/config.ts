import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const ConsensusConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  /**
   * How long one produce-roll delivery waits for reveals and votes before it answers
   * SERVICE_UNAVAILABLE (retry): below the consumer's ack wait (30 s), so a waiting
   * command is never redelivered while it waits. The deadlines themselves run in Redis.
   */
  PRODUCE_ROLL_WAIT_MS: z.coerce.number().int().min(0).max(25_000).default(20_000),
  /**
   * produce-roll commands one replica lets wait at once; past it they answer
   * SERVICE_UNAVAILABLE at once, so waiting rolls never take every handler slot
   * (CONCURRENCY) from the reveals they wait for. Default: half of CONCURRENCY.
   */
  MAX_WAITING_ROLLS: z.coerce.number().int().min(1).max(10_000).optional(),
  /** How often a waiting produce-roll looks at its round (reveals handled by this replica wake it at once). */
  ROLL_POLL_INTERVAL_MS: z.coerce.number().int().min(5).max(5_000).default(100),
  /** Pause between sweeps of the reveal and vote deadlines. */
  TIMEOUT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /**
   * The house's Ed25519 signing key for quorum votes: a 32-byte seed as 64 hex digits,
   * or PKCS#8 DER in base64. Unset: one is generated once and kept in KV `consensus`
   * (key `house-key`), shared by every replica.
   */
  HOUSE_SIGNING_KEY: z.string().regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]+={0,2})$/, 'a 32-byte seed as hex, or PKCS#8 DER as base64').optional(),
  /** Prefix of every Redis key consensus writes (none in production). */
  REDIS_KEY_PREFIX: z.string().regex(/^[\w:.-]*$/, 'letters, digits and _ : . - only').default(''),
});
export type ConsensusConfig = z.infer<typeof ConsensusConfigSchema>;

/** produce-roll commands allowed to wait at once in one replica. */
export function maxWaitingRolls(config: ConsensusConfig): number {
  return config.MAX_WAITING_ROLLS ?? Math.max(1, Math.floor(config.CONCURRENCY / 2));
}
