import { ChipsSchema, PositiveChipsSchema } from './money';
import { GameSettingsSchema } from './game-settings';

describe('chips', () => {
  it.each([0, 1, Number.MAX_SAFE_INTEGER])('accepts %p', (n) => expect(ChipsSchema.safeParse(n).success).toBe(true));
  it.each([-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '5', null])('refuses %p', (n) => expect(ChipsSchema.safeParse(n).success).toBe(false));
  it('an amount is positive', () => expect(PositiveChipsSchema.safeParse(0).success).toBe(false));
});

describe('game settings', () => {
  it('default as DESIGN.md section 9 says and drop duplicate bet types', () => {
    const s = GameSettingsSchema.parse({ allowedBets: ['pass', 'pass', 'field'] });
    expect(s).toMatchObject({ minBet: 1, maxBet: 10_000, maxPlayers: 10, allowedBets: ['pass', 'field'], consensus: 'house' });
  });
  it('refuse unknown keys, out-of-range seats and contradictions', () => {
    for (const bad of [{ seats: 3 }, { maxPlayers: 21 }, { maxPlayers: 0 }, { minBuyIn: 500, maxBuyIn: 100 }, { __proto__: { x: 1 }, polluted: true }]) {
      expect(GameSettingsSchema.safeParse(bad).success).toBe(false);
    }
  });
});
