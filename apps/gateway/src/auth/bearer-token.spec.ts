import { issueToken, verifyToken } from './bearer-token';

const secret = 'x'.repeat(32);
const playerId = 'p_00000000-0000-4000-8000-000000000001';

describe('bearer tokens', () => {
  it('verify to the player they were issued for', () => {
    expect(verifyToken(secret, issueToken(secret, playerId))).toBe(playerId);
  });

  it('refuse another secret, a changed player id, a changed signature and garbage', () => {
    const token = issueToken(secret, playerId);
    expect(verifyToken('y'.repeat(32), token)).toBeNull();
    expect(verifyToken(secret, token.replace(playerId, 'p_00000000-0000-4000-8000-000000000002'))).toBeNull();
    expect(verifyToken(secret, token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA'))).toBeNull();
    for (const bad of ['', 'v1', 'v1..', 'v2.' + token.slice(3), token + '.x', 'a.b.c']) expect(verifyToken(secret, bad)).toBeNull();
  });
});
