import { canCover, riskableBankroll, worstCaseOf } from './exposure';

describe('exposure', () => {
  it('takes the highest payout a bet of the type (and number) can win', () => {
    expect(worstCaseOf('pass', undefined, 10)).toBe(10);
    expect(worstCaseOf('field', undefined, 10)).toBe(30);
    expect(worstCaseOf('place', 6, 12)).toBe(14);
    expect(worstCaseOf('place', undefined, 10)).toBe(18);
    expect(worstCaseOf('pass_odds', undefined, 10)).toBe(20);
    expect(worstCaseOf('dont_pass_odds', undefined, 10)).toBe(8);
    expect(worstCaseOf('boxcars', null, 3)).toBe(90);
    expect(worstCaseOf('hardway', 5, 10)).toBeUndefined();
  });

  it('keeps the reserve, rounded in the house\'s favour', () => {
    expect(riskableBankroll(1_000, 0.1)).toBe(900);
    expect(riskableBankroll(1_005, 0.1)).toBe(904);
    expect(riskableBankroll(0, 0.1)).toBe(0);
    expect(riskableBankroll(1_000, 1)).toBe(0);
    expect(canCover(1_000, 600, 300, 0.1)).toBe(true);
    expect(canCover(1_000, 600, 301, 0.1)).toBe(false);
    expect(canCover(1_000, 0, 1_000, 0)).toBe(true);
  });
});
