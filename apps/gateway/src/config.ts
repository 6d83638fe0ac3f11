import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

const DEV_SECRET = 'bitcraps-dev-secret-not-for-production';

export const GatewayConfigSchema = BaseConfigSchema.extend({
  /** GATEWAY_PORT (DESIGN.md section 8) wins over HTTP_PORT. */
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Requests larger than this get 413. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Signs bearer tokens. Required in production. */
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Largest deposit at registration; 0 turns the dev faucet off (the production default). */
  FAUCET_MAX: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** How long a request waits for its command's reply before answering 503. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
})
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TOKEN_SECRET'], message: 'is required in production' });
    }
  })
  .transform((c) => ({
    ...c,
    HTTP_PORT: c.GATEWAY_PORT ?? c.HTTP_PORT,
    TOKEN_SECRET: c.TOKEN_SECRET ?? DEV_SECRET,
    FAUCET_MAX: c.FAUCET_MAX ?? (c.NODE_ENV === 'production' ? 0 : 1_000_000),
  }));
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
