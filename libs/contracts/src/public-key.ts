import { SeatPublicKeySchema } from './lifecycle.contracts';

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = '302a300506032b6570032100';

/**
 * A player's Ed25519 public key as registered: the raw 32 bytes as 64 hex digits or in
 * base64/base64url, or the SPKI DER in base64. Answers the raw key as lowercase hex, or
 * null when it is none of these. Every 32-byte string is an Ed25519 key encoding (node's
 * crypto accepts them all), so decoding to exactly 32 bytes is the whole check: the seat
 * step refuses with it what consensus's add-participant (after the join's pivot) would.
 */
export function ed25519PublicKeyHex(text: string): string | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const raw = Buffer.from(text, 'base64');
  if (raw.length === 32) return raw.toString('hex');
  if (raw.length === 44 && raw.subarray(0, 12).toString('hex') === ED25519_SPKI_PREFIX) return raw.subarray(12).toString('hex');
  return null;
}

/** A join's `publicKey` at the edge: the seat schema's characters, and it must decode to an Ed25519 key. */
export const Ed25519PublicKeySchema = SeatPublicKeySchema.refine((k) => ed25519PublicKeyHex(k) !== null, {
  message: 'not an Ed25519 public key (the raw 32 bytes as hex or base64, or SPKI DER as base64)',
});
