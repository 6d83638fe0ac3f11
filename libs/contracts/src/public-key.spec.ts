import { generateKeyPairSync } from 'node:crypto';
import { JoinBodySchema } from './http.contracts';
import { ed25519PublicKeyHex } from './public-key';

describe('Ed25519 public keys at the edge', () => {
  const spki = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const raw = spki.subarray(12);

  it('decodes hex, base64, base64url and SPKI DER to the raw key in lowercase hex', () => {
    for (const text of [raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64'), raw.toString('base64url'), spki.toString('base64')]) {
      expect(ed25519PublicKeyHex(text)).toBe(raw.toString('hex'));
    }
  });

  it('refuses what is not exactly 32 bytes or another algorithm’s SPKI', () => {
    const x25519 = Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), raw]).toString('base64');
    for (const text of [Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), 'ab'.repeat(31), x25519, 'a=b'.repeat(15), '']) {
      expect(ed25519PublicKeyHex(text)).toBeNull();
    }
  });

  it('a join body with a bad key fails its schema, so the gateway answers 400 before any saga', () => {
    expect(JoinBodySchema.safeParse({ buyIn: 10, publicKey: Buffer.alloc(33).toString('base64') }).success).toBe(false);
    expect(JoinBodySchema.safeParse({ buyIn: 10, publicKey: raw.toString('base64') }).success).toBe(true);
  });
});
