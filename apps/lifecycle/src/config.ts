import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const LifecycleConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  MAX_CONCURRENT_GAMES: z.coerce.number().int().min(1).default(10_000),
  MAX_GAMES_PER_PLAYER: z.coerce.number().int().min(1).default(10),
});
export type LifecycleConfig = z.infer<typeof LifecycleConfigSchema>;
