import { createHash } from 'node:crypto';
import { keyPair } from '../../test/fixtures';
import { canonicalJson, decodeSignature, normalizePublicKey, pkcs8FromSeed, resultDigest, signerFromPrivateKey, verifySignature } from './signatures';

describe('signatures', () => {
  it('writes canonical JSON: keys sorted at every depth, no spaces', () => {
    expect(canonicalJson({ rollIndex: 7, gameId: 'g', dice: [3, 5] })).toBe('{"dice":[3,5],"gameId":"g","rollIndex":7}');
    expect(canonicalJson({ b: { d: 1, c: [{ z: 1, a: 'x y' }] }, a: null })).toBe('{"a":null,"b":{"c":[{"a":"x y","z":1}],"d":1}}');
    expect(() => canonicalJson(NaN)).toThrow();
  });

  it('digests a round result as SHA-256 of its canonical JSON', () => {
    const gameId = 'g_00000000-0000-4000-8000-000000000000';
    const expected = createHash('sha256').update(`{"dice":[6,1],"gameId":"${gameId}","rollIndex":12}`).digest();
    expect(resultDigest({ rollIndex: 12, gameId, dice: [6, 1] })).toEqual(expected);
  });

  it('takes a public key as raw hex, raw base64 or SPKI base64, and refuses anything else', () => {
    const k = keyPair();
    expect(normalizePublicKey(k.rawHex)).toBe(k.rawHex);
    expect(normalizePublicKey(k.rawHex.toUpperCase())).toBe(k.rawHex);
    expect(normalizePublicKey(k.rawBase64)).toBe(k.rawHex);
    expect(normalizePublicKey(k.rawBase64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''))).toBe(k.rawHex);
    expect(normalizePublicKey(k.spkiBase64)).toBe(k.rawHex);
    expect(normalizePublicKey('not a key at all')).toBeNull();
    expect(normalizePublicKey(Buffer.alloc(31, 1).toString('base64'))).toBeNull();
    // an X25519 SPKI is not an Ed25519 key
    expect(normalizePublicKey(Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), Buffer.alloc(32, 9)]).toString('base64'))).toBeNull();
  });

  it('verifies a signature in hex or base64, and refuses a forged one', () => {
    const k = keyPair();
    const digest = resultDigest({ dice: [2, 2], gameId: 'g_x', rollIndex: 1 });
    const sigB64 = k.sign(digest);
    const sigHex = Buffer.from(sigB64, 'base64').toString('hex');
    expect(verifySignature(k.rawHex, digest, sigB64)).toBe(true);
    expect(verifySignature(k.rawHex, digest, sigHex)).toBe(true);
    // another result, another key, a flipped bit, garbage: all refused
    expect(verifySignature(k.rawHex, resultDigest({ dice: [2, 3], gameId: 'g_x', rollIndex: 1 }), sigB64)).toBe(false);
    expect(verifySignature(keyPair().rawHex, digest, sigB64)).toBe(false);
    const flipped = Buffer.from(sigHex, 'hex');
    flipped[10]! ^= 1;
    expect(verifySignature(k.rawHex, digest, flipped.toString('hex'))).toBe(false);
    expect(verifySignature(k.rawHex, digest, 'A'.repeat(88))).toBe(false);
    expect(decodeSignature('abc')).toBeNull();
  });

  it('signs as the house from a hex seed or PKCS#8, the same key either way', () => {
    const seedHex = createHash('sha256').update('house').digest('hex');
    const a = signerFromPrivateKey(seedHex);
    const b = signerFromPrivateKey(pkcs8FromSeed(Buffer.from(seedHex, 'hex')));
    expect(a.publicKey).toBe(b.publicKey);
    const digest = resultDigest({ dice: [1, 1], gameId: 'g_y', rollIndex: 2 });
    expect(verifySignature(a.publicKey, digest, a.sign(digest))).toBe(true);
  });
});
