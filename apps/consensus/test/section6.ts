import { createHash } from 'node:crypto';

/**
 * An independent re-implementation of DESIGN.md section 6, written from the text only
 * (it imports none of the service's code), to check the service's proofs against:
 *
 *   material = houseSeed ‖ seed_1 ‖ … ‖ seed_k   (players' seeds in ascending playerId order; only valid reveals)
 *   h        = SHA-256(material ‖ rollIndex as 8-byte big-endian)
 *   die      = take bytes of h (then of SHA-256(h), …) one at a time, skip bytes ≥ 252, die = byte mod 6 + 1
 *   The first accepted byte is die 1, the second die 2.
 */

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

export function section6Dice(houseSeedHex: string, reveals: Array<{ playerId: string; seed: string }>, rollIndex: number): [number, number] {
  const ordered = reveals.slice().sort((x, y) => (x.playerId === y.playerId ? 0 : x.playerId < y.playerId ? -1 : 1));
  const parts = [fromHex(houseSeedHex), ...ordered.map((r) => fromHex(r.seed))];
  const index = new Uint8Array(8);
  let n = BigInt(rollIndex);
  for (let i = 7; i >= 0; i--) {
    index[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  const total = parts.reduce((s, p) => s + p.length, 0) + 8;
  const input = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  input.set(index, at);
  let block = sha256(input);
  const dice: number[] = [];
  while (dice.length < 2) {
    for (let i = 0; i < block.length && dice.length < 2; i++) {
      if (block[i]! >= 252) continue;
      dice.push((block[i]! % 6) + 1);
    }
    block = sha256(block);
  }
  return [dice[0]!, dice[1]!];
}

export function section6Commitment(seedHex: string): string {
  return toHex(sha256(fromHex(seedHex)));
}

/** Checks a published proof: every commitment and the dice. Returns the problems found (none: it holds). */
export function section6Check(proof: {
  rollIndex: number;
  houseCommitment: string;
  houseSeed: string;
  contributions: Array<{ playerId: string; commitment: string; seed: string }>;
  dice: number[];
}): string[] {
  const problems: string[] = [];
  if (section6Commitment(proof.houseSeed) !== proof.houseCommitment) problems.push('house commitment');
  for (const c of proof.contributions) if (section6Commitment(c.seed) !== c.commitment) problems.push(`commitment of ${c.playerId}`);
  const dice = section6Dice(proof.houseSeed, proof.contributions, proof.rollIndex);
  if (dice[0] !== proof.dice[0] || dice[1] !== proof.dice[1]) problems.push(`dice ${dice} vs ${proof.dice}`);
  return problems;
}
