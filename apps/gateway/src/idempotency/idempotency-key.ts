import { createHash } from 'node:crypto';

/**
 * Idempotency keys, pure (DESIGN.md section 8): the header's format, what "the same
 * request" means, and ids derived from a key.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that is the replay of a first one. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** 1 to 200 printable ASCII characters (space included, as the header may carry any token a client mints). */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x20-\x7e]{1,200}$/.test(key);
}

/** JSON with object keys sorted at every depth: `{"a":1,"b":2}` and `{"b":2,"a":1}` are one body. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/**
 * What must match for a retry to be "the same request": method, path and body (the
 * same key sent to another endpoint is another request too).
 */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`).digest('base64url');
}

/** The Redis key of (subject, idempotency key); the client's key is hashed, never stored. */
export function recordKey(prefix: string, subject: string, key: string): string {
  return `${prefix}idem:{${subject}}:${createHash('sha256').update(key).digest('base64url')}`;
}

/**
 * A uuid determined by (subject, key, purpose), shaped like a v4 uuid so it passes the
 * id schemas (`s_<uuid>`, …). A controller that mints ids from it turns a retry after an
 * unknown outcome (503) into a re-send of the same command, which the services
 * de-duplicate, instead of a second effect.
 */
export function uuidFromKey(subject: string, key: string, purpose: string): string {
  const h = createHash('sha256').update(`${purpose}\n${subject}\n${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
