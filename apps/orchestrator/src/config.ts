import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const OrchestratorConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
});
export type OrchestratorConfig = z.infer<typeof OrchestratorConfigSchema>;
