import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const StatsConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3006),
});
export type StatsConfig = z.infer<typeof StatsConfigSchema>;
