import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { ConsensusSettings } from '@bitcraps/contracts';
import type { Ctx } from '../src/domain/record';
import { signerFromPrivateKey } from '../src/domain/signatures';

export const newGameId = () => `g_${randomUUID()}`;
export const newPlayerId = () => `p_${randomUUID()}`;

export const HOUSE_MODE: ConsensusSettings = { consensus: 'house', revealTimeoutMs: 1_000, voteTimeoutMs: 1_000 };
export const QUORUM_MODE: ConsensusSettings = { consensus: 'quorum', revealTimeoutMs: 1_000, voteTimeoutMs: 1_000 };

const sha = (s: string) => createHash('sha256').update(s).digest();

/** A 32-byte seed named by a label (deterministic). */
export const seed = (label: string) => sha(`seed:${label}`).toString('hex');
export const commitment = (seedHex: string) => createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest('hex');

/** A context whose house seeds are deterministic and whose clock the test sets. */
export function testCtx(now = 1_000_000): Ctx & { seeds: string[]; at(ms: number): Ctx } {
  let n = 0;
  const seeds: string[] = [];
  const house = signerFromPrivateKey(sha('house key').toString('hex'));
  const make = (t: number): Ctx => ({
    now: t,
    newSeed: () => {
      const s = sha(`house seed ${n++}`);
      seeds.push(s.toString('hex'));
      return s;
    },
    house,
  });
  return Object.assign(make(now), { seeds, at: make });
}

/** A participant's Ed25519 key pair; `publicKey` in the three accepted encodings. */
export function keyPair(): { privateKey: KeyObject; rawHex: string; rawBase64: string; spkiBase64: string; sign(digest: Buffer): string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const raw = spki.subarray(12);
  return {
    privateKey,
    rawHex: raw.toString('hex'),
    rawBase64: raw.toString('base64'),
    spkiBase64: spki.toString('base64'),
    sign: (digest) => sign(null, digest, privateKey).toString('base64'),
  };
}
