import { BET_TYPES, OddsMultiples, PointNumber, TableConfig } from './types';

/** 3× on 4/10, 4× on 5/9, 5× on 6/8. */
export const ODDS_3_4_5: OddsMultiples = Object.freeze({ 4: 3, 5: 4, 6: 5, 8: 5, 9: 4, 10: 3 });

export const DEFAULT_TABLE_CONFIG: TableConfig = Object.freeze({
  minBet: 1,
  maxBet: 10_000,
  maxBetsPerPlayer: 50,
  allowedBets: Object.freeze([...BET_TYPES]),
  maxOdds: ODDS_3_4_5,
});

/** A full config from a partial one; missing settings take their default. */
export function tableConfig(overrides: Partial<TableConfig> = {}): TableConfig {
  return { ...DEFAULT_TABLE_CONFIG, ...overrides };
}

/**
 * Reads the usual odds notations: `"3-4-5"` (multiples on 4/10, 5/9, 6/8) or a single
 * multiple for every point (`"2"`, `"2x"`, `"10X"`). Returns undefined when the text is
 * neither, or a multiple is not a non-negative safe integer.
 */
export function parseMaxOdds(text: string): OddsMultiples | undefined {
  const s = text.trim();
  const single = /^(\d+)\s*[xX]?$/.exec(s);
  if (single) {
    const m = Number(single[1]);
    return Number.isSafeInteger(m) ? uniform(m) : undefined;
  }
  const triple = /^(\d+)\s*-\s*(\d+)\s*-\s*(\d+)\s*[xX]?$/.exec(s);
  if (!triple) return undefined;
  const [a, b, c] = [Number(triple[1]), Number(triple[2]), Number(triple[3])];
  if (![a, b, c].every(Number.isSafeInteger)) return undefined;
  return Object.freeze({ 4: a, 10: a, 5: b, 9: b, 6: c, 8: c });
}

function uniform(m: number): OddsMultiples {
  const out = {} as Record<PointNumber, number>;
  for (const p of [4, 5, 6, 8, 9, 10] as const) out[p] = m;
  return Object.freeze(out);
}
