import { DEFAULT_TABLE_CONFIG, ODDS_3_4_5, parseMaxOdds, tableConfig } from './config';
import { BET_TYPES } from './types';

describe('config', () => {
  it('defaults to CRAPS.md limits', () => {
    expect(DEFAULT_TABLE_CONFIG).toEqual({
      minBet: 1,
      maxBet: 10_000,
      maxBetsPerPlayer: 50,
      allowedBets: [...BET_TYPES],
      maxOdds: { 4: 3, 5: 4, 6: 5, 8: 5, 9: 4, 10: 3 },
    });
  });

  it('fills a partial config with defaults', () => {
    expect(tableConfig({ maxBet: 500 })).toEqual({ ...DEFAULT_TABLE_CONFIG, maxBet: 500 });
  });

  it.each([
    ['3-4-5', { 4: 3, 5: 4, 6: 5, 8: 5, 9: 4, 10: 3 }],
    ['3-4-5x', ODDS_3_4_5],
    ['1-2-3', { 4: 1, 10: 1, 5: 2, 9: 2, 6: 3, 8: 3 }],
    ['2x', { 4: 2, 5: 2, 6: 2, 8: 2, 9: 2, 10: 2 }],
    [' 100 ', { 4: 100, 5: 100, 6: 100, 8: 100, 9: 100, 10: 100 }],
  ])('reads %j', (text, expected) => {
    expect(parseMaxOdds(text)).toEqual(expected);
  });

  it.each(['', 'x', '3-4', '3-4-5-6', '-1', '1.5x', '3-4-five'])('refuses %j', (text) => {
    expect(parseMaxOdds(text)).toBeUndefined();
  });
});
