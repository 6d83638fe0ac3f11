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
  const idem = (req as Request & { idempotency?: { subject: string; key: string } }).idempotency;
  return `${prefix}_${idem ? uuidFromKey(idem.subject, idem.key, `${purpose}:${req.method} ${req.originalUrl}`) : randomUUID()}`;
}
