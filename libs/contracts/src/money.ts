import { z } from 'zod';

/**
 * Chips are whole numbers (DESIGN.md section 4): safe integers, never floats, NaN or
 * values past Number.MAX_SAFE_INTEGER. `Chips` allows 0 (a balance), `PositiveChips`
 * does not (an amount that moves).
 */
export const ChipsSchema = z
  .number()
  .int('chips are whole numbers')
  .min(0, 'chips are never negative')
  .max(Number.MAX_SAFE_INTEGER, 'chips must be a safe integer');
export const PositiveChipsSchema = ChipsSchema.refine((n) => n > 0, 'amount must be positive');
export type Chips = z.infer<typeof ChipsSchema>;
