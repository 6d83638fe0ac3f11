import { counts, fmt, mib, ms, pct, section, table } from './report';

describe('number formats', () => {
  it('groups thousands with a space and keeps the decimals asked for', () => {
    expect(fmt(1234567)).toBe('1 234 567');
    expect(fmt(-1234.5, 1)).toBe('-1 234.5');
    expect(fmt(0.125, 2)).toBe('0.13');
    expect(fmt(999)).toBe('999');
  });
  it('shows – for what is not a number', () => {
    for (const v of [null, undefined, NaN, Infinity]) expect(fmt(v as number)).toBe('–');
    expect(ms(NaN)).toBe('–');
    expect(pct(undefined)).toBe('–');
    expect(mib(null)).toBe('–');
  });
  it('picks a precision by size for milliseconds', () => {
    expect(ms(0.4234)).toBe('0.42 ms');
    expect(ms(12.34)).toBe('12.3 ms');
    expect(ms(1234.4)).toBe('1 234 ms');
  });
  it('formats ratios and bytes', () => {
    expect(pct(0.5)).toBe('50 %');
    expect(pct(0.1234, 1)).toBe('12.3 %');
    expect(mib(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});

describe('table', () => {
  it('aligns numbers right and text left under a header and a rule', () => {
    const out = table(['name', 'count', 'p50'], [
      ['join', 1234, '5.1 ms'],
      ['bet', 7, '12 ms'],
    ]);
    expect(out.split('\n')).toEqual([
      'name  count     p50',
      '────  ─────  ──────',
      'join  1 234  5.1 ms',
      'bet       7   12 ms',
    ]);
  });
  it('leaves empty cells empty', () => {
    expect(table(['a', 'b'], [['x', null]]).split('\n')[2]).toBe('x');
  });
});

describe('section and counts', () => {
  it('titles a block', () => {
    expect(section('audit', 'body')).toMatch(/^\n== audit =+\nbody$/);
  });
  it('lists counts most frequent first, then by name', () => {
    expect(counts({ '409 GAME_FULL': 2, 200: 5, 201: 2 })).toBe('200×5  201×2  409 GAME_FULL×2');
  });
});
