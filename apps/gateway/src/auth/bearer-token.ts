import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlayerIdSchema } from '@bitcraps/contracts';

/**
 * Bearer tokens: `v1.<playerId>.<HMAC-SHA256 signature>`. Anyone can read the player
 * id; nobody without the secret can forge one. (Expiry and JOSE arrive with the full
 * gateway; these tokens do not expire.)
 */
const VERSION = 'v1';

function sign(secret: string, playerId: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${playerId}`).digest('base64url');
}

export function issueToken(secret: string, playerId: string): string {
  return `${VERSION}.${playerId}.${sign(secret, playerId)}`;
}

/** The player the token speaks for, or null when it is malformed or forged. */
export function verifyToken(secret: string, token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const [, playerId, signature] = parts;
  if (!PlayerIdSchema.safeParse(playerId).success) return null;
  const expected = Buffer.from(sign(secret, playerId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? playerId : null;
}
