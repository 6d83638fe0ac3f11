import type { IncomingMessage } from 'node:http';
import { checkToken, type TokenCheck } from './bearer-token';

const BEARER = /^Bearer\s+(\S+)$/i;

/** The token of `Authorization: Bearer <token>`, or null when there is none. */
export function bearerOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  return match ? match[1] : null;
}

// The rate limiter and the AuthGuard both need the caller: verify once per request.
const checked = new WeakMap<IncomingMessage, Promise<TokenCheck | null>>();

/** The request's bearer token checked (null: no bearer token at all), memoized per request. */
export function authenticate(req: IncomingMessage, secret: string): Promise<TokenCheck | null> {
  let result = checked.get(req);
  if (!result) {
    const token = bearerOf(req);
    result = token === null ? Promise.resolve(null) : checkToken(secret, token);
    checked.set(req, result);
  }
  return result;
}
