/** An exact rational number over bigint, always in lowest terms with a positive denominator. */
export class Fraction {
  static readonly ZERO = new Fraction(0n, 1n);
  static readonly ONE = new Fraction(1n, 1n);

  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  /** `num / den`, from integers (number or bigint). Throws on a zero denominator or a non-integer. */
  static of(num: number | bigint, den: number | bigint = 1n): Fraction {
    const n = toBigInt(num);
    const d = toBigInt(den);
    if (d === 0n) throw new RangeError('zero denominator');
    const g = gcd(n < 0n ? -n : n, d < 0n ? -d : d);
    const sign = d < 0n ? -1n : 1n;
    return new Fraction((sign * n) / g, (sign * d) / g);
  }

  add(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Fraction): Fraction {
    return Fraction.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Fraction): Fraction {
    return Fraction.of(this.num * o.num, this.den * o.den);
  }

  div(o: Fraction): Fraction {
    if (o.num === 0n) throw new RangeError('division by zero');
    return Fraction.of(this.num * o.den, this.den * o.num);
  }

  neg(): Fraction {
    return new Fraction(-this.num, this.den);
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  equals(o: Fraction): boolean {
    return this.num === o.num && this.den === o.den;
  }

  /** -1, 0 or 1 as this is below, equal to or above `o`. */
  compare(o: Fraction): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  /** The nearest double (exact to about 1e-16 relative, whatever the size of the terms). */
  toNumber(): number {
    const neg = this.num < 0n;
    const n = neg ? -this.num : this.num;
    const whole = n / this.den;
    const rest = n % this.den;
    const frac = Number((rest << 64n) / this.den) / 2 ** 64;
    const value = Number(whole) + frac;
    return neg ? -value : value;
  }

  toString(): string {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

function toBigInt(x: number | bigint): bigint {
  if (typeof x === 'bigint') return x;
  if (!Number.isSafeInteger(x)) throw new RangeError(`not a safe integer: ${x}`);
  return BigInt(x);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
