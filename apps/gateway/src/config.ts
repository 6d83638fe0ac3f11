import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';
import { parseRateLimits, type RateLimits } from './rate-limit/rate-limits';

const DEV_SECRET = 'bitcraps-dev-secret-not-for-production';

export const GatewayConfigSchema = BaseConfigSchema.extend({
  /** GATEWAY_PORT (DESIGN.md section 8) wins over HTTP_PORT. */
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Requests larger than this get 413. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Signs bearer tokens (HS256). Required in production. */
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a bearer token is valid after registration. */
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(365 * 24 * 3600).default(24 * 3600),
  /**
   * Opens the operator endpoints (suspend, resume, audit) to `Authorization: Bearer
   * <ADMIN_TOKEN>`. Required in production; unset elsewhere, those endpoints answer 403.
   */
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Largest deposit at registration; 0 turns the dev faucet off (the production default). */
  FAUCET_MAX: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** How long a request waits for its command's reply before answering 503. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** `general=60,joins=10,bets=60,rolls=30,ip=600,burst=1.5` (any subset; per minute; `ip`: all requests of one address) or `off`. */
  RATE_LIMITS: z.string().optional(),
  /** How long an Idempotency-Key remembers its first answer. */
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(24 * 3600),
  /** Proxies in front of the gateway whose X-Forwarded-For is believed (0: the socket's address is the client). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** The operator view (/ops) marks an unfinished saga stuck when it has not changed for longer than this. */
  OPS_STUCK_AFTER_MS: z.coerce.number().int().min(1_000).max(24 * 3600 * 1000).default(30_000),
  /** An authenticated player's requests tell the player service it is active at most once per this interval (0: every request). */
  ACTIVITY_TOUCH_INTERVAL_MS: z.coerce.number().int().min(0).max(24 * 3600 * 1000).default(60_000),
})
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TOKEN_SECRET'], message: 'is required in production' });
    }
    if (c.NODE_ENV === 'production' && !c.ADMIN_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required in production' });
    }
    const limits = parseRateLimits(c.RATE_LIMITS);
    if (limits && 'error' in limits) ctx.addIssue({ code: 'custom', path: ['RATE_LIMITS'], message: limits.error });
  })
  .transform((c) => ({
    ...c,
    HTTP_PORT: c.GATEWAY_PORT ?? c.HTTP_PORT,
    TOKEN_SECRET: c.TOKEN_SECRET ?? DEV_SECRET,
    FAUCET_MAX: c.FAUCET_MAX ?? (c.NODE_ENV === 'production' ? 0 : 1_000_000),
    /** null: rate limiting is off. */
    RATE_LIMITS: parseRateLimits(c.RATE_LIMITS) as RateLimits | null,
  }));
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
