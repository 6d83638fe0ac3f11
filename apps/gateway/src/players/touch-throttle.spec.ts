import { TouchThrottle } from './touch-throttle';

describe('touch throttle', () => {
  it('lets one touch per player through per interval', () => {
    const t = new TouchThrottle(60_000);
    expect(t.take('p1', 0)).toBe(true);
    expect(t.take('p1', 59_999)).toBe(false);
    expect(t.take('p2', 59_999)).toBe(true);
    expect(t.take('p1', 60_000)).toBe(true);
    expect(t.take('p1', 60_001)).toBe(false);
  });

  it('lets every touch through with a zero interval', () => {
    const t = new TouchThrottle(0);
    expect([t.take('p1', 5), t.take('p1', 5)]).toEqual([true, true]);
  });

  it('remembers a bounded number of players, forgetting the least recently touched first', () => {
    const t = new TouchThrottle(60_000, 3);
    for (const p of ['a', 'b', 'c']) t.take(p, 0);
    t.take('a', 60_000); // a is now the most recent
    t.take('d', 60_000); // b leaves
    expect(t.size).toBe(3);
    expect(t.take('b', 60_001)).toBe(true);
    expect(t.take('a', 60_001)).toBe(false);
    expect(t.take('d', 60_001)).toBe(false);
  });
});
