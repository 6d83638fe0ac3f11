import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const StatsConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3006),
  /** How often the projection's checkpoint is written to KV `stats`. */
  STATS_CHECKPOINT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
});
export type StatsConfig = z.infer<typeof StatsConfigSchema>;
