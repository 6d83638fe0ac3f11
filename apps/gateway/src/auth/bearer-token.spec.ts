import { SignJWT, decodeJwt } from 'jose';
import { checkToken, issueToken, verifyToken } from './bearer-token';

const secret = 'x'.repeat(32);
const playerId = 'p_00000000-0000-4000-8000-000000000001';
const other = 'p_00000000-0000-4000-8000-000000000002';
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('bearer tokens (JWT, HS256, with expiry)', () => {
  it('verify to the player they were issued for, with an expiry TTL seconds after issue', async () => {
    const now = Date.UTC(2030, 0, 1);
    const token = await issueToken(secret, playerId, 3_600, now);
    expect(await verifyToken(secret, token, now)).toBe(playerId);
    expect(decodeJwt(token)).toMatchObject({ sub: playerId, iat: now / 1000, exp: now / 1000 + 3_600 });
  });

  it('default to a life of 24 hours', async () => {
    const claims = decodeJwt(await issueToken(secret, playerId));
    expect(claims.exp! - claims.iat!).toBe(24 * 3600);
  });

  it('expire: valid until exp, refused as expired after it', async () => {
    const now = Date.UTC(2030, 0, 1);
    const token = await issueToken(secret, playerId, 60, now);
    expect(await verifyToken(secret, token, now + 59_000)).toBe(playerId);
    expect(await checkToken(secret, token, now + 61_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyToken(secret, token, now + 61_000)).toBeNull();
  });

  it('refuse another secret, a changed subject, a changed signature and garbage', async () => {
    const token = await issueToken(secret, playerId);
    expect(await checkToken('y'.repeat(32), token)).toEqual({ ok: false, reason: 'invalid' });
    const [header, , signature] = token.split('.');
    const otherSubject = `${header}.${b64({ ...decodeJwt(token), sub: other })}.${signature}`;
    expect(await verifyToken(secret, otherSubject)).toBeNull();
    const longerLife = `${header}.${b64({ ...decodeJwt(token), exp: decodeJwt(token).exp! + 1e6 })}.${signature}`;
    expect(await verifyToken(secret, longerLife)).toBeNull();
    expect(await verifyToken(secret, token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA'))).toBeNull();
    for (const bad of ['', 'v1', 'a.b.c', token + '.x', token + 'x', 'x'.repeat(5_000)]) expect(await verifyToken(secret, bad)).toBeNull();
  });

  it('refuse alg "none" and tokens of other issuers, audiences or without a player subject', async () => {
    const claims = decodeJwt(await issueToken(secret, playerId));
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(await verifyToken(secret, unsigned)).toBeNull();
    const key = new TextEncoder().encode(secret);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const sign = (c: Record<string, unknown>) => new SignJWT(c).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(key);
    expect(await verifyToken(secret, await sign({ sub: playerId, iss: 'someone-else', aud: 'bitcraps-api' }))).toBeNull();
    expect(await verifyToken(secret, await sign({ sub: playerId, iss: 'bitcraps-gateway', aud: 'elsewhere' }))).toBeNull();
    expect(await verifyToken(secret, await sign({ sub: 'admin', iss: 'bitcraps-gateway', aud: 'bitcraps-api' }))).toBeNull();
    expect(await verifyToken(secret, await sign({ sub: playerId, iss: 'bitcraps-gateway', aud: 'bitcraps-api' }))).toBe(playerId);
    const noExp = await new SignJWT({ sub: playerId, iss: 'bitcraps-gateway', aud: 'bitcraps-api' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await verifyToken(secret, noExp)).toBeNull();
  });
});
