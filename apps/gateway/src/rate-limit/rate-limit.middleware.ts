import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticate } from '../auth/authenticate';
import { rateClassOf } from './rate-limits';
import type { RateDecision, RateLimiter } from './rate-limiter';

export interface RateLimitMiddlewareOptions {
  /** Signs bearer tokens: a valid one makes the player the subject, else the client's IP. */
  tokenSecret: string;
  /** Redis slower than this lets the request through (see below). */
  redisTimeoutMs?: number;
  onRedisError?: (err: Error) => void;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limiter: Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Express middleware in front of everything (before the body is even parsed): counts
 * the request against its class for its subject, the player when it carries a valid
 * bearer token, else its IP, and then against the `ip` window of its address (the one
 * `TRUST_PROXY_HOPS` makes `req.ip`), so that many accounts behind one address share
 * one ceiling. Over either limit it answers 429 RATE_LIMITED with Retry-After (whole
 * seconds); a request its class refuses is not counted for the address, so a player
 * hammering their own limit does not use up their neighbours'. Redis holds nothing
 * money depends on, so when it is down or slow the limiter fails open rather than
 * taking the API down with it.
 */
export function rateLimitMiddleware(limiter: RateLimiter, options: RateLimitMiddlewareOptions): RequestHandler {
  const timeoutMs = options.redisTimeoutMs ?? 500;
  return (req: Request, res: Response, next: NextFunction) => {
    const cls = rateClassOf(req.method, req.path);
    if (!cls) return next();
    void (async () => {
      const check = await authenticate(req, options.tokenSecret);
      const address = `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
      const subject = check?.ok ? `p:${check.playerId}` : address;
      let decision: RateDecision;
      let wide: RateDecision | null;
      try {
        decision = await within(limiter.take(cls, subject), timeoutMs);
        wide = decision.allowed ? await within(limiter.take('ip', address), timeoutMs) : null;
      } catch (err) {
        options.onRedisError?.(err as Error);
        return next();
      }
      res.setHeader('RateLimit-Limit', String(decision.limit));
      res.setHeader('RateLimit-Remaining', String(decision.remaining));
      if (!decision.allowed) return refuse(res, decision, `too many ${cls === 'general' ? '' : cls.slice(0, -1) + ' '}requests`);
      if (wide && !wide.allowed) return refuse(res, wide, 'too many requests from this address');
      next();
    })().catch(next);
  };
}

function refuse(res: Response, decision: RateDecision, what: string): void {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json({ error: { code: 'RATE_LIMITED', message: `${what}: retry in ${seconds} s` } });
}
