import { hashSeed, Prng } from './prng';

describe('Prng', () => {
  it('repeats its sequence for a seed and differs for another', () => {
    const a = new Prng('seed-1');
    const b = new Prng('seed-1');
    const c = new Prng('seed-2');
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(new Prng(42).next()).toBe(new Prng(42).next());
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const r = new Prng(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const n of buckets) expect(Math.abs(n - 2_000)).toBeLessThan(250);
  });

  it('draws integers in a closed range, both ends included', () => {
    const r = new Prng('ints');
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(r.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(() => r.int(5, 4)).toThrow(RangeError);
    expect(() => r.int(0.5, 4)).toThrow(RangeError);
  });

  it('picks by weight and never a zero weight', () => {
    const r = new Prng('weights');
    const n: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) n[r.weighted({ a: 3, b: 1, c: 0 })]++;
    expect(n.c).toBe(0);
    expect(n.a / n.b).toBeGreaterThan(2.5);
    expect(n.a / n.b).toBeLessThan(3.5);
    expect(() => r.weighted({ a: 0 })).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it('forks independent generators that are themselves repeatable', () => {
    const x = new Prng('root').fork('client-1');
    const y = new Prng('root').fork('client-1');
    const z = new Prng('root').fork('client-2');
    const seq = Array.from({ length: 5 }, () => x.next());
    expect(Array.from({ length: 5 }, () => y.next())).toEqual(seq);
    expect(Array.from({ length: 5 }, () => z.next())).not.toEqual(seq);
  });

  it('hashes seeds with FNV-1a', () => {
    expect(hashSeed('')).toBe(0x811c9dc5);
    expect(hashSeed('a')).toBe(0xe40c292c);
  });
});
