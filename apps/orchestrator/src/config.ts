import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const OrchestratorConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** How long one attempt of a saga step waits for its reply. */
  SAGA_STEP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** How often unfinished sagas are scanned for ones nobody drives. */
  SAGA_SCAN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** A saga untouched this long is taken over (its replica died). */
  SAGA_STALE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(20_000),
});
export type OrchestratorConfig = z.infer<typeof OrchestratorConfigSchema>;
