import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const ConsensusConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3005),
});
export type ConsensusConfig = z.infer<typeof ConsensusConfigSchema>;
