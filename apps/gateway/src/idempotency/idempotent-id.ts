import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { uuidFromKey } from './idempotency-key';

/**
 * An id for what a POST creates (`s` → `s_<uuid>` for a saga, `g` for a game…): derived
 * from the request's Idempotency-Key when it has one, random otherwise. With it, a
 * client's retry after a 503 (outcome unknown: the key was given up) re-sends the same
 * command instead of starting a second saga.
 */
export function idempotentId(req: Request, prefix: string, purpose: string = prefix): string {
  const idem = idempotencyOf(req);
  // after an answer that did nothing (TRY_AGAIN, an undone saga) the next attempt gets fresh ids
  const attempt = idem?.attempt ? `#${idem.attempt}` : '';
  return `${prefix}_${idem ? uuidFromKey(idem.subject, idem.key, `${purpose}:${req.method} ${req.originalUrl}${attempt}`) : randomUUID()}`;
}

/** The request's Idempotency-Key as the interceptor took it, if it has one. */
export function idempotencyOf(req: Request): { subject: string; key: string; attempt?: number } | undefined {
  return (req as Request & { idempotency?: { subject: string; key: string; attempt?: number } }).idempotency;
}
