import { z } from 'zod';
import { BaseConfigSchema } from '@bitcraps/service-kit';

export const TreasuryConfigSchema = BaseConfigSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Chips the house starts with: seeded once, at the very first start (later values are ignored). */
  HOUSE_BANKROLL: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1_000_000_000),
  /** Share of the bankroll never put at risk by open bets (DESIGN.md section 4). */
  RESERVE_RATIO: z.coerce.number().min(0).max(1).default(0.1),
  /** How long a command or read waits for this replica's books to catch up with LEDGER. */
  LEDGER_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
});
export type TreasuryConfig = z.infer<typeof TreasuryConfigSchema>;
