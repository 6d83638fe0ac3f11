import { createHash } from 'node:crypto';

/**
 * Recomputes a roll from its public proof (DESIGN.md section 6), on the player's side:
 * the CLI trusts nothing the servers computed.
 *
 *   material = houseSeed ‖ seed_1 ‖ … ‖ seed_k   (valid reveals, ascending playerId)
 *   h        = SHA-256(material ‖ rollIndex as 8-byte big-endian)
 *   dice     = bytes of h, then of SHA-256(h), …, skipping bytes ≥ 252; die = byte mod 6 + 1
 */
export interface Proof {
  rollIndex: number;
  houseCommitment: string;
  houseSeed: string;
  contributions: ReadonlyArray<{ playerId: string; commitment: string; seed: string }>;
  withheld?: ReadonlyArray<{ playerId: string; commitment: string }>;
  dice: readonly number[];
}

export interface ProofCheck {
  ok: boolean;
  /** The dice the seeds give (null when a seed is malformed). */
  dice: [number, number] | null;
  problems: string[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const HEX32 = /^[0-9a-fA-F]{64}$/;

export function diceOf(houseSeed: string, seeds: ReadonlyArray<{ playerId: string; seed: string }>, rollIndex: number): [number, number] {
  const ordered = [...seeds].sort((a, b) => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0));
  const index = Buffer.alloc(8);
  index.writeBigUInt64BE(BigInt(rollIndex));
  let block = sha256(Buffer.concat([Buffer.from(houseSeed, 'hex'), ...ordered.map((s) => Buffer.from(s.seed, 'hex')), index]));
  const dice: number[] = [];
  for (;;) {
    for (const byte of block) {
      if (byte >= 252) continue;
      dice.push((byte % 6) + 1);
      if (dice.length === 2) return [dice[0], dice[1]];
    }
    block = sha256(block);
  }
}

/** Checks every commitment against its seed, then the dice against the seeds. */
export function checkProof(proof: Proof, rollIndex: number): ProofCheck {
  const problems: string[] = [];
  if (proof.rollIndex !== rollIndex) problems.push(`asked for roll ${rollIndex}, the proof is of roll ${proof.rollIndex}`);
  const commitmentOf = (seed: string) => sha256(Buffer.from(seed, 'hex')).toString('hex');
  if (!HEX32.test(proof.houseSeed)) problems.push('the house seed is not 32 bytes of hex');
  else if (commitmentOf(proof.houseSeed) !== proof.houseCommitment.toLowerCase()) problems.push('the house commitment is not SHA-256 of the house seed');
  const seen = new Set<string>();
  for (const c of proof.contributions) {
    if (seen.has(c.playerId)) problems.push(`${c.playerId} contributes twice`);
    seen.add(c.playerId);
    if (!HEX32.test(c.seed)) problems.push(`the seed of ${c.playerId} is not 32 bytes of hex`);
    else if (commitmentOf(c.seed) !== c.commitment.toLowerCase()) problems.push(`the commitment of ${c.playerId} is not SHA-256 of their seed`);
  }
  if (problems.some((p) => p.includes('hex'))) return { ok: false, dice: null, problems };
  const dice = diceOf(proof.houseSeed, proof.contributions, proof.rollIndex);
  if (proof.dice.length !== 2 || dice[0] !== proof.dice[0] || dice[1] !== proof.dice[1]) {
    problems.push(`the seeds give [${dice.join(', ')}], the proof says [${proof.dice.join(', ')}]`);
  }
  return { ok: problems.length === 0, dice, problems };
}
