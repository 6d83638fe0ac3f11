import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const TreasuryConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
});
export type TreasuryConfig = z.infer<typeof TreasuryConfigSchema>;
