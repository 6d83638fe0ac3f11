import { DEFAULT_RATE_LIMITS, parseRateLimits, rateClassOf, windowLimits } from './rate-limits';

describe('RATE_LIMITS', () => {
  it('defaults to 60/min general, 10 joins, 60 bets, 30 rolls, 600 per IP address, 1.5× burst (DESIGN.md section 9)', () => {
    expect(parseRateLimits(undefined)).toEqual({ perMinute: { general: 60, joins: 10, bets: 60, rolls: 30, ip: 600 }, burst: 1.5 });
    expect(parseRateLimits('  ')).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('overrides any subset, in any order, with spaces', () => {
    expect(parseRateLimits('general=60,joins=10,bets=60,rolls=30,burst=1.5')).toEqual(DEFAULT_RATE_LIMITS);
    expect(parseRateLimits(' rolls = 5 , burst=1 ')).toEqual({ perMinute: { ...DEFAULT_RATE_LIMITS.perMinute, rolls: 5 }, burst: 1 });
    expect(parseRateLimits('ip=100')).toEqual({ perMinute: { ...DEFAULT_RATE_LIMITS.perMinute, ip: 100 }, burst: 1.5 });
  });

  it('the default per-address window holds more than one player at every class limit, bursts included', () => {
    const classes = ['general', 'joins', 'bets', 'rolls'] as const;
    const onePlayer = classes.reduce((n, c) => n + windowLimits(DEFAULT_RATE_LIMITS, c).short, 0);
    expect(windowLimits(DEFAULT_RATE_LIMITS, 'ip').short).toBeGreaterThan(2 * onePlayer);
  });

  it('turns off with "off"', () => {
    expect(parseRateLimits('off')).toBeNull();
    expect(parseRateLimits('OFF')).toBeNull();
  });

  it('refuses unknown names, repeats, fractions of requests, zero and wild bursts with a message', () => {
    for (const [text, message] of [
      ['dice=3', /unknown rate class "dice"/],
      ['joins=1,joins=2', /joins is given twice/],
      ['joins=1.5', /whole number/],
      ['bets=0', /whole number/],
      ['ip=0', /whole number/],
      ['ip=1.5', /whole number/],
      ['burst=0.5', /burst must be between 1 and 10/],
      ['burst=11', /burst must be between 1 and 10/],
      ['general', /not name=value/],
      ['general=-1', /not name=value/],
      ['general=60;joins=1', /not name=value/],
    ] as const) {
      const parsed = parseRateLimits(text);
      expect(parsed).toEqual({ error: expect.stringMatching(message) });
    }
  });

  it('holds a class to ⌊perMinute × burst⌋ in a window and 2 × perMinute over two', () => {
    expect(windowLimits(DEFAULT_RATE_LIMITS, 'general')).toEqual({ short: 90, long: 120 });
    expect(windowLimits(DEFAULT_RATE_LIMITS, 'joins')).toEqual({ short: 15, long: 20 });
    expect(windowLimits({ ...DEFAULT_RATE_LIMITS, burst: 1 }, 'rolls')).toEqual({ short: 30, long: 60 });
  });
});

describe('rate classes of routes', () => {
  it('joins, bets and rolls by path; everything else under /v1 is general', () => {
    const g = 'g_00000000-0000-4000-8000-000000000001';
    expect(rateClassOf('POST', `/v1/games/${g}/join`)).toBe('joins');
    expect(rateClassOf('POST', `/v1/games/${g}/bets`)).toBe('bets');
    expect(rateClassOf('POST', `/v1/games/${g}/roll`)).toBe('rolls');
    expect(rateClassOf('POST', `/V1/Games/${g}/ROLL/`)).toBe('rolls');
    expect(rateClassOf('POST', `/v1/games/${g}/leave`)).toBe('general');
    expect(rateClassOf('GET', `/v1/games/${g}`)).toBe('general');
    expect(rateClassOf('POST', '/v1/players')).toBe('general');
    expect(rateClassOf('GET', `/v1/games/${g}/rolls/1/proof`)).toBe('general');
    expect(rateClassOf('POST', `/v1/games/${g}/join/extra`)).toBe('general');
  });

  it('leaves health, metrics and docs alone', () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs', '/docs/openapi.json', '/', '/v1']) expect(rateClassOf('GET', path)).toBeNull();
  });
});
