import { createHash } from 'node:crypto';

/**
 * The dice of DESIGN.md section 6, byte for byte:
 *
 *   material = houseSeed ‖ seed_1 ‖ … ‖ seed_k   (players' seeds in ascending playerId order)
 *   h        = SHA-256(material ‖ rollIndex as 8-byte big-endian)
 *   die      = bytes of h, then of SHA-256(h), then of SHA-256(SHA-256(h)), … one at a
 *              time, skipping bytes ≥ 252; die = byte mod 6 + 1; first accepted byte is
 *              die 1, the second die 2.
 *
 * 252 = 42 × 6: keeping only bytes below it gives each face exactly 42 of the 252 byte
 * values, so there is no modulo bias. Pure: no I/O, no clock; a verifier needs nothing else.
 */

export type Dice = [number, number];

/** Bytes at or above this are skipped (the largest multiple of 6 that fits in a byte). */
export const BYTE_LIMIT = 252;

export interface SeedContribution {
  playerId: string;
  /** 32 bytes: a Buffer or 64 hex digits. */
  seed: Buffer | string;
}

const bytes = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'hex') : v);

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** `SHA-256(seed)` in lowercase hex: what a commitment must be. */
export function commitmentOf(seed: Buffer | string): string {
  return sha256(bytes(seed)).toString('hex');
}

/** Ascending playerId order by code unit (ids are ASCII: the same as byte order); never locale order. */
export function byPlayerId<T extends { playerId: string }>(a: T, b: T): number {
  return a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0;
}

/** houseSeed ‖ the players' seeds in ascending playerId order. */
export function rollMaterial(houseSeed: Buffer | string, seeds: readonly SeedContribution[]): Buffer {
  const ordered = [...seeds].sort(byPlayerId);
  return Buffer.concat([bytes(houseSeed), ...ordered.map((s) => bytes(s.seed))]);
}

/** The roll index as 8 bytes, big-endian. */
export function rollIndexBytes(rollIndex: number): Buffer {
  if (!Number.isSafeInteger(rollIndex) || rollIndex < 0) throw new RangeError(`bad roll index ${rollIndex}`);
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(rollIndex));
  return b;
}

/** h = SHA-256(material ‖ rollIndex as 8-byte big-endian). */
export function rollHash(material: Buffer, rollIndex: number): Buffer {
  return sha256(Buffer.concat([material, rollIndexBytes(rollIndex)]));
}

/**
 * Two dice from h: its bytes, then SHA-256(h)'s, and so on down the hash chain, skipping
 * bytes ≥ 252. Ends: each 32-byte block accepts a byte with probability 63/64 per byte.
 */
export function diceFromHash(h: Buffer): Dice {
  const dice: number[] = [];
  let block = h;
  for (;;) {
    for (const byte of block) {
      if (byte >= BYTE_LIMIT) continue;
      dice.push((byte % 6) + 1);
      if (dice.length === 2) return [dice[0]!, dice[1]!];
    }
    block = sha256(block);
  }
}

/** The dice of a roll from the house seed, the valid reveals and the roll index. */
export function diceFromSeeds(houseSeed: Buffer | string, seeds: readonly SeedContribution[], rollIndex: number): Dice {
  return diceFromHash(rollHash(rollMaterial(houseSeed, seeds), rollIndex));
}

/** A proof as DESIGN.md section 6 publishes it (the shape of contracts' RollProofSchema). */
export interface ProofInput {
  rollIndex: number;
  houseCommitment: string;
  houseSeed: string;
  contributions: ReadonlyArray<{ playerId: string; commitment: string; seed: string }>;
  dice: readonly number[];
}

export type Verification = { ok: true; dice: Dice } | { ok: false; dice: Dice | null; problems: string[] };

/**
 * Recomputes a proof: the house commitment from the house seed, every player's
 * commitment from their seed, and the dice from all of them. Lists every mismatch.
 */
export function verifyRollProof(proof: ProofInput): Verification {
  const problems: string[] = [];
  const hex32 = /^[0-9a-fA-F]{64}$/;
  if (!hex32.test(proof.houseSeed)) problems.push('the house seed is not 32 bytes of hex');
  else if (commitmentOf(proof.houseSeed) !== proof.houseCommitment.toLowerCase()) {
    problems.push(`house commitment ${proof.houseCommitment} is not SHA-256 of the house seed (${commitmentOf(proof.houseSeed)})`);
  }
  const seen = new Set<string>();
  for (const c of proof.contributions) {
    if (seen.has(c.playerId)) problems.push(`${c.playerId} contributes twice`);
    seen.add(c.playerId);
    if (!hex32.test(c.seed)) problems.push(`the seed of ${c.playerId} is not 32 bytes of hex`);
    else if (commitmentOf(c.seed) !== c.commitment.toLowerCase()) {
      problems.push(`commitment of ${c.playerId} ${c.commitment} is not SHA-256 of their seed (${commitmentOf(c.seed)})`);
    }
  }
  if (problems.length) return { ok: false, dice: null, problems };
  const dice = diceFromSeeds(proof.houseSeed, proof.contributions, proof.rollIndex);
  if (dice[0] !== proof.dice[0] || dice[1] !== proof.dice[1] || proof.dice.length !== 2) {
    return { ok: false, dice, problems: [`the seeds give dice [${dice.join(', ')}], the proof says [${proof.dice.join(', ')}]`] };
  }
  return { ok: true, dice };
}
