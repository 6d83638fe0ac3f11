/**
 * Rate limits of DESIGN.md section 9, pure: the `RATE_LIMITS` format and the class of a
 * route. Every request to `/v1/…` counts against exactly one class of its subject (the
 * player, or the IP before login): a bet is not also a "general" request (otherwise the
 * general limit would cap bets below their own). It also counts against the `ip` window
 * of its address, whoever it logs in as, so one client with many accounts does not
 * multiply its limit.
 */
export const RATE_CLASSES = ['general', 'joins', 'bets', 'rolls'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];
/** The classes, and every request of one IP address together. */
export type RateWindow = RateClass | 'ip';
const RATE_WINDOWS: readonly string[] = [...RATE_CLASSES, 'ip'];

export interface RateLimits {
  /** Requests per minute, sustained, per class and per IP address (`ip`). */
  perMinute: Record<RateWindow, number>;
  /** How far above the per-minute figure one minute may go (1.5 = half as much again). */
  burst: number;
}

/**
 * `ip` 600: one player at every class's limit makes 160 a minute (240 in a burst), so a
 * single user never meets it; a few accounts behind one address still fit.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perMinute: { general: 60, joins: 10, bets: 60, rolls: 30, ip: 600 },
  burst: 1.5,
};

/**
 * Parses `RATE_LIMITS`: `off`, or comma-separated `name=value` pairs overriding the
 * defaults, e.g. `general=60,joins=10,bets=60,rolls=30,ip=600,burst=1.5`. Names are the
 * classes and `ip` (integers 1..100000 per minute) and `burst` (1..10). Returns the
 * limits, `null` for `off`, or a message naming what is wrong.
 */
export function parseRateLimits(text: string | undefined): RateLimits | null | { error: string } {
  if (text === undefined || text.trim() === '') return structuredClone(DEFAULT_RATE_LIMITS);
  if (text.trim().toLowerCase() === 'off') return null;
  const limits = structuredClone(DEFAULT_RATE_LIMITS);
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*$/.exec(part);
    if (!m) return { error: `"${part.trim()}" is not name=value (expected e.g. general=60,joins=10,bets=60,rolls=30,ip=600,burst=1.5 or off)` };
    const [, name, raw] = m;
    if (seen.has(name)) return { error: `${name} is given twice` };
    seen.add(name);
    const value = Number(raw);
    if (name === 'burst') {
      if (!(value >= 1 && value <= 10)) return { error: `burst must be between 1 and 10 (got ${raw})` };
      limits.burst = value;
    } else if (RATE_WINDOWS.includes(name)) {
      if (!Number.isInteger(value) || value < 1 || value > 100_000) return { error: `${name} must be a whole number of requests per minute, 1..100000 (got ${raw})` };
      limits.perMinute[name as RateWindow] = value;
    } else {
      return { error: `unknown rate class "${name}" (known: ${RATE_WINDOWS.join(', ')}, burst)` };
    }
  }
  return limits;
}

/**
 * The two sliding windows a class is held to: at most ⌊perMinute × burst⌋ requests in
 * any one window (the burst), and at most 2 × perMinute in any two consecutive windows
 * (so the sustained rate stays perMinute: a burst is paid back the minute after).
 */
export function windowLimits(limits: RateLimits, cls: RateWindow): { short: number; long: number } {
  const perMinute = limits.perMinute[cls];
  return { short: Math.max(1, Math.floor(perMinute * limits.burst)), long: 2 * perMinute };
}

const ACTION = /^\/v1\/games\/[^/]+\/(join|bets|roll)\/?$/;
const CLASS_OF_ACTION: Record<string, RateClass> = { join: 'joins', bets: 'bets', roll: 'rolls' };

/** Which class a request counts against, or null when it is not rate limited (health, metrics, docs). */
export function rateClassOf(method: string, path: string): RateClass | null {
  // express matches routes case-insensitively, so classify the same way
  const lower = path.toLowerCase();
  if (!lower.startsWith('/v1/')) return null;
  const m = method.toUpperCase() === 'POST' ? ACTION.exec(lower) : null;
  return m ? CLASS_OF_ACTION[m[1]] : 'general';
}
