import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519PublicKeyHex } from '@bitcraps/contracts';
import { sha256 } from './dice';

/**
 * Quorum signatures (DESIGN.md section 6): Ed25519 over SHA-256 of the canonical JSON of
 * a round's result. Canonical JSON: object keys sorted by code unit, recursively; no
 * whitespace; strings and numbers as JSON.stringify writes them.
 */

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** The DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows it. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    if (value === undefined) throw new TypeError('canonical JSON has no undefined');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface RoundResult {
  dice: readonly [number, number];
  gameId: string;
  rollIndex: number;
}

/** The 32 bytes every participant signs: SHA-256(canonical JSON of the result). */
export function resultDigest(result: RoundResult): Buffer {
  return sha256(Buffer.from(canonicalJson({ dice: [...result.dice], gameId: result.gameId, rollIndex: result.rollIndex }), 'utf8'));
}

/**
 * A participant's public key as registered: the raw 32 bytes in hex (64 digits) or in
 * base64/base64url, or the SPKI DER in base64 (contracts' `ed25519PublicKeyHex`, which
 * lifecycle's seat step checks too, before the join's pivot). Answers the raw key as
 * lowercase hex, or null when it is none of these or node refuses it as an Ed25519 key.
 */
export function normalizePublicKey(text: string): string | null {
  const raw = ed25519PublicKeyHex(text);
  if (!raw) return null;
  try {
    return publicKeyObject(raw).asymmetricKeyType === 'ed25519' ? raw : null;
  } catch {
    return null;
  }
}

export function publicKeyObject(rawHex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(rawHex, 'hex')]), format: 'der', type: 'spki' });
}

/** A 64-byte signature from 128 hex digits or base64/base64url; null when it is neither. */
export function decodeSignature(text: string): Buffer | null {
  const raw = /^[0-9a-fA-F]{128}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : null;
  return raw && raw.length === 64 ? raw : null;
}

/** Whether `signature` is `publicKey`'s Ed25519 signature of `digest`. Never throws. */
export function verifySignature(publicKeyHex: string, digest: Buffer, signature: string): boolean {
  const sig = decodeSignature(signature);
  if (!sig) return false;
  try {
    return verify(null, digest, publicKeyObject(publicKeyHex), sig);
  } catch {
    return false;
  }
}

/** Signs for the house (or, in tests and clients, for a participant). */
export interface Signer {
  /** Raw public key, lowercase hex. */
  publicKey: string;
  /** Ed25519 signature of `digest`, hex. */
  sign(digest: Buffer): string;
}

/** A signer from an Ed25519 private key: 32-byte seed (hex) or PKCS#8 DER (base64). */
export function signerFromPrivateKey(text: string): Signer {
  const der = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.concat([PKCS8_PREFIX, Buffer.from(text, 'hex')]) : Buffer.from(text, 'base64');
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the house signing key must be an Ed25519 key');
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { publicKey: spki.subarray(12).toString('hex'), sign: (digest) => sign(null, digest, key).toString('hex') };
}

/** The PKCS#8 DER (base64) of a 32-byte Ed25519 seed. */
export function pkcs8FromSeed(seed: Buffer): string {
  return Buffer.concat([PKCS8_PREFIX, seed]).toString('base64');
}
