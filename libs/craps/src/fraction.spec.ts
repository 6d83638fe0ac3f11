import { Fraction } from './fraction';

describe('Fraction', () => {
  it('keeps lowest terms with a positive denominator', () => {
    expect(Fraction.of(6, -4).toString()).toBe('-3/2');
    expect(Fraction.of(0, 7).equals(Fraction.ZERO)).toBe(true);
    expect(Fraction.of(10n, 5n).toString()).toBe('2');
  });

  it('does exact arithmetic', () => {
    const a = Fraction.of(1, 3);
    const b = Fraction.of(1, 6);
    expect(a.add(b).toString()).toBe('1/2');
    expect(a.sub(b).toString()).toBe('1/6');
    expect(a.mul(b).toString()).toBe('1/18');
    expect(a.div(b).toString()).toBe('2');
    expect(a.neg().toString()).toBe('-1/3');
    expect(a.compare(b)).toBe(1);
    expect(b.compare(a)).toBe(-1);
    expect(a.compare(Fraction.of(2, 6))).toBe(0);
  });

  it('converts to the nearest double, even with huge terms', () => {
    expect(Fraction.of(7, 495).toNumber()).toBeCloseTo(7 / 495, 15);
    expect(Fraction.of(-3, 220).toNumber()).toBeCloseTo(-3 / 220, 15);
    const huge = Fraction.of(10n ** 400n + 1n, 3n * 10n ** 400n);
    expect(huge.toNumber()).toBeCloseTo(1 / 3, 15);
  });

  it('refuses a zero denominator, division by zero and non-integers', () => {
    expect(() => Fraction.of(1, 0)).toThrow(RangeError);
    expect(() => Fraction.ONE.div(Fraction.ZERO)).toThrow(RangeError);
    expect(() => Fraction.of(0.5)).toThrow(RangeError);
  });
});
