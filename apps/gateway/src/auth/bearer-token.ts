import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { PlayerIdSchema } from '@bitcraps/contracts';

/**
 * Bearer tokens: JWTs signed with HS256 by `TOKEN_SECRET`, subject = the player id,
 * with an expiry (`TOKEN_TTL_SECONDS`, 24 h by default). Anyone can read the player id;
 * nobody without the secret can forge one or stretch its life.
 */
const ISSUER = 'bitcraps-gateway';
const AUDIENCE = 'bitcraps-api';
const ALG = 'HS256';
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;

// a KeyObject, made once: given bytes, jose builds one on every sign and verify
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export async function issueToken(secret: string, playerId: string, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(playerId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(keyOf(secret));
}

export type TokenCheck = { ok: true; playerId: string } | { ok: false; reason: 'expired' | 'invalid' };

/** Checks a token: its signature, algorithm, issuer, audience, expiry and subject. */
export async function checkToken(secret: string, token: string, now = Date.now()): Promise<TokenCheck> {
  if (token.length > 4_096) return { ok: false, reason: 'invalid' };
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(now),
    });
    return PlayerIdSchema.safeParse(payload.sub).success ? { ok: true, playerId: payload.sub! } : { ok: false, reason: 'invalid' };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** The player the token speaks for, or null when it is malformed, forged or expired. */
export async function verifyToken(secret: string, token: string, now = Date.now()): Promise<string | null> {
  const check = await checkToken(secret, token, now);
  return check.ok ? check.playerId : null;
}
