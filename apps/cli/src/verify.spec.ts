import { createHash } from 'node:crypto';
import { checkProof, diceOf } from './verify';

const sha = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const house = '11'.repeat(32);
const seedA = '22'.repeat(32);
const seedB = '33'.repeat(32);
const pA = 'p_00000000-0000-4000-8000-00000000000a';
const pB = 'p_00000000-0000-4000-8000-00000000000b';

/** The algorithm of DESIGN.md section 6 written out step by step, as a reference. */
function reference(houseSeed: string, seeds: string[], rollIndex: number): [number, number] {
  const idx = Buffer.alloc(8);
  idx.writeBigUInt64BE(BigInt(rollIndex));
  let h = createHash('sha256').update(Buffer.concat([Buffer.from(houseSeed + seeds.join(''), 'hex'), idx])).digest();
  const out: number[] = [];
  while (out.length < 2) {
    for (const b of h) if (b < 252 && out.length < 2) out.push((b % 6) + 1);
    h = createHash('sha256').update(h).digest();
  }
  return [out[0], out[1]];
}

describe('roll verification', () => {
  it('recomputes the dice: house seed, then players in ascending id order, then the roll index', () => {
    expect(diceOf(house, [{ playerId: pB, seed: seedB }, { playerId: pA, seed: seedA }], 5)).toEqual(reference(house, [seedA, seedB], 5));
    expect(diceOf(house, [], 1)).toEqual(reference(house, [], 1));
    const seen = new Set<string>();
    for (let i = 1; i <= 200; i++) {
      const d = diceOf(house, [], i);
      expect(d.every((x) => x >= 1 && x <= 6)).toBe(true);
      seen.add(d.join());
    }
    expect(seen.size).toBeGreaterThan(25); // all 36 pairs are likely; a broken mapping gives few
  });

  it('verifies a sound proof', () => {
    const dice = diceOf(house, [{ playerId: pA, seed: seedA }], 3);
    const proof = { rollIndex: 3, houseCommitment: sha(house), houseSeed: house, contributions: [{ playerId: pA, commitment: sha(seedA), seed: seedA }], dice };
    expect(checkProof(proof, 3)).toEqual({ ok: true, dice, problems: [] });
    expect(checkProof({ ...proof, houseCommitment: sha(house).toUpperCase() }, 3).ok).toBe(true);
  });

  it('names every problem of a bad proof', () => {
    const dice = diceOf(house, [{ playerId: pA, seed: seedA }], 3);
    const good = { rollIndex: 3, houseCommitment: sha(house), houseSeed: house, contributions: [{ playerId: pA, commitment: sha(seedA), seed: seedA }], dice };
    const other: [number, number] = [dice[0] % 6 + 1, dice[1]];
    expect(checkProof({ ...good, dice: other }, 3).problems).toEqual([`the seeds give [${dice.join(', ')}], the proof says [${other.join(', ')}]`]);
    expect(checkProof({ ...good, houseCommitment: sha(seedB) }, 3).problems).toContain('the house commitment is not SHA-256 of the house seed');
    expect(checkProof({ ...good, contributions: [{ playerId: pA, commitment: sha(seedB), seed: seedA }] }, 3).problems).toContain(`the commitment of ${pA} is not SHA-256 of their seed`);
    expect(checkProof({ ...good, contributions: [...good.contributions, ...good.contributions] }, 3).problems).toContain(`${pA} contributes twice`);
    expect(checkProof({ ...good, houseSeed: 'zz' }, 3)).toMatchObject({ ok: false, dice: null });
    expect(checkProof(good, 4).problems).toContain('asked for roll 4, the proof is of roll 3');
  });
});
