import { createHash } from 'node:crypto';
import { BYTE_LIMIT, commitmentOf, diceFromHash, diceFromSeeds, rollHash, rollIndexBytes, rollMaterial, verifyRollProof } from './dice';
import { chiSquare, chiSquarePValue } from '../../test/chi-square';

const sha = (b: Buffer) => createHash('sha256').update(b).digest();
const seedOf = (label: string) => sha(Buffer.from(label));
const pid = (n: number) => `p_${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

describe('dice (DESIGN.md section 6)', () => {
  describe('no modulo bias: bytes ≥ 252 are skipped', () => {
    it('maps the 252 accepted byte values 42 to each face', () => {
      const counts = [0, 0, 0, 0, 0, 0];
      for (let b = 0; b < BYTE_LIMIT; b++) counts[diceFromHash(Buffer.from([b, 0, ...new Array(30).fill(0)]))[0] - 1]++;
      expect(BYTE_LIMIT).toBe(252);
      expect(counts).toEqual([42, 42, 42, 42, 42, 42]);
    });

    it('skips 252, 253, 254 and 255 and takes the next bytes (crafted hash)', () => {
      const h = Buffer.alloc(32, 0);
      h.set([252, 253, 254, 255, 0, 251]);
      // 0 → 0 mod 6 + 1 = 1; 251 → 251 mod 6 + 1 = 6
      expect(diceFromHash(h)).toEqual([1, 6]);
      const h2 = Buffer.alloc(32, 0);
      h2.set([255, 17, 252, 252, 100]);
      expect(diceFromHash(h2)).toEqual([(17 % 6) + 1, (100 % 6) + 1]);
    });

    it('goes on to SHA-256(h) when h has fewer than two accepted bytes, then to SHA-256(SHA-256(h))', () => {
      const allSkipped = Buffer.alloc(32, 0xff);
      const next = sha(allSkipped);
      const accepted = [...next].filter((b) => b < 252);
      expect(diceFromHash(allSkipped)).toEqual([(accepted[0]! % 6) + 1, (accepted[1]! % 6) + 1]);

      const oneAccepted = Buffer.alloc(32, 0xfc);
      oneAccepted[31] = 9; // die 1 from the last byte of h, die 2 from the chain
      const chained = [...sha(oneAccepted)].filter((b) => b < 252);
      expect(diceFromHash(oneAccepted)).toEqual([(9 % 6) + 1, (chained[0]! % 6) + 1]);
    });
  });

  describe('material and hash', () => {
    it('puts the house seed first and the players in ascending playerId order, whatever order they come in', () => {
      const house = seedOf('house');
      const seeds = [
        { playerId: pid(3), seed: seedOf('c') },
        { playerId: pid(1), seed: seedOf('a') },
        { playerId: pid(2), seed: seedOf('b') },
      ];
      expect(rollMaterial(house, seeds)).toEqual(Buffer.concat([house, seedOf('a'), seedOf('b'), seedOf('c')]));
      expect(diceFromSeeds(house, seeds, 5)).toEqual(diceFromSeeds(house, [...seeds].reverse(), 5));
    });

    it('appends the roll index as 8 bytes big-endian', () => {
      expect(rollIndexBytes(1)).toEqual(Buffer.from('0000000000000001', 'hex'));
      expect(rollIndexBytes(0x0102030405)).toEqual(Buffer.from('0000000102030405', 'hex'));
      const m = Buffer.from('ab', 'hex');
      expect(rollHash(m, 258)).toEqual(sha(Buffer.from('ab0000000000000102', 'hex')));
      expect(() => rollIndexBytes(-1)).toThrow(RangeError);
    });

    it('accepts seeds as hex or bytes alike', () => {
      const house = seedOf('h');
      const a = seedOf('a');
      expect(diceFromSeeds(house.toString('hex'), [{ playerId: pid(1), seed: a.toString('hex') }], 9)).toEqual(diceFromSeeds(house, [{ playerId: pid(1), seed: a }], 9));
    });
  });

  describe('uniformity: chi-square over 60 000 rolls of the real dice function', () => {
    const players = [
      { playerId: pid(1), seed: seedOf('player one') },
      { playerId: pid(2), seed: seedOf('player two') },
    ];
    const faces1 = new Array(6).fill(0);
    const faces2 = new Array(6).fill(0);
    const pairs = new Array(36).fill(0);
    beforeAll(() => {
      // deterministic inputs: the test never flakes, and every roll is a real roll
      for (let i = 0; i < 60_000; i++) {
        const [d1, d2] = diceFromSeeds(seedOf(`house ${i}`), players, i + 1);
        faces1[d1 - 1]++;
        faces2[d2 - 1]++;
        pairs[(d1 - 1) * 6 + (d2 - 1)]++;
      }
    });

    it('each die is uniform over 1..6 (5 degrees of freedom, p > 0.001)', () => {
      for (const faces of [faces1, faces2]) {
        const x = chiSquare(faces, 10_000);
        expect(x).toBeLessThan(20.515); // the critical value of χ²(5) at p = 0.001
        expect(chiSquarePValue(x, 5)).toBeGreaterThan(0.001);
      }
    });

    it('the 36 pairs are uniform (35 degrees of freedom, p > 0.001): the two dice are independent', () => {
      const x = chiSquare(pairs, 60_000 / 36);
      expect(x).toBeLessThan(66.619); // the critical value of χ²(35) at p = 0.001
      expect(chiSquarePValue(x, 35)).toBeGreaterThan(0.001);
    });

    it('has a p-value function that matches known critical values', () => {
      expect(chiSquarePValue(20.515, 5)).toBeCloseTo(0.001, 4);
      expect(chiSquarePValue(66.619, 35)).toBeCloseTo(0.001, 4);
      expect(chiSquarePValue(11.07, 5)).toBeCloseTo(0.05, 3);
      expect(chiSquarePValue(0, 5)).toBe(1);
    });
  });

  describe('the house seed decides: players cannot predict the dice, withholding or not', () => {
    // what a withholding player knows: every player seed (theirs, and the others' once
    // revealed). What they do not know until the end: the house seed (it reveals last).
    const a = { playerId: pid(1), seed: seedOf('honest') };
    const b = { playerId: pid(2), seed: seedOf('withholder') };
    const N = 7_200;
    const withAll = new Array(36).fill(0);
    const withoutB = new Array(36).fill(0);
    let same = 0;
    const byHouse = new Set<string>();
    beforeAll(() => {
      for (let i = 0; i < N; i++) {
        const house = seedOf(`unknown house ${i}`);
        const d = diceFromSeeds(house, [a, b], 7);
        const w = diceFromSeeds(house, [a], 7);
        withAll[(d[0] - 1) * 6 + d[1] - 1]++;
        withoutB[(w[0] - 1) * 6 + w[1] - 1]++;
        if (d[0] === w[0] && d[1] === w[1]) same++;
        if (i < 50) byHouse.add(d.join(','));
      }
    });

    it('with the player seeds fixed, different house seeds give different dice, uniformly spread', () => {
      expect(byHouse.size).toBeGreaterThan(20); // 50 house seeds, fixed players: many outcomes, not one
      expect(withAll.every((n) => n > 0)).toBe(true);
      expect(chiSquarePValue(chiSquare(withAll, N / 36), 35)).toBeGreaterThan(0.001);
    });

    it('the roll without the withheld seed is just as uniform, and agrees with the full roll only by chance (≈ 1/36)', () => {
      expect(chiSquarePValue(chiSquare(withoutB, N / 36), 35)).toBeGreaterThan(0.001);
      // withholding swaps one unpredictable roll for another: the player cannot steer it
      expect(same / N).toBeGreaterThan(1 / 36 - 0.012);
      expect(same / N).toBeLessThan(1 / 36 + 0.012);
    });

    it('changes with the roll index too: the same seeds never replay a roll', () => {
      const house = seedOf('fixed house');
      const rolls = new Set<string>();
      for (let i = 1; i <= 60; i++) rolls.add(diceFromSeeds(house, [a, b], i).join(','));
      expect(rolls.size).toBeGreaterThan(20);
    });
  });

  describe('verifyRollProof', () => {
    const house = seedOf('h');
    const seeds = [
      { playerId: pid(2), seed: seedOf('b').toString('hex') },
      { playerId: pid(1), seed: seedOf('a').toString('hex') },
    ];
    const proof = {
      rollIndex: 3,
      houseCommitment: commitmentOf(house),
      houseSeed: house.toString('hex'),
      contributions: seeds.map((s) => ({ ...s, commitment: commitmentOf(s.seed) })),
      dice: diceFromSeeds(house, seeds, 3),
    };

    it('accepts a proof whose commitments and dice recompute', () => {
      expect(verifyRollProof(proof)).toEqual({ ok: true, dice: proof.dice });
    });

    it('names a house seed that is not the committed one', () => {
      const res = verifyRollProof({ ...proof, houseSeed: seedOf('other').toString('hex') });
      expect(res.ok).toBe(false);
      expect(!res.ok && res.problems[0]).toMatch(/house commitment/);
    });

    it('names a player seed that is not the committed one', () => {
      const res = verifyRollProof({ ...proof, contributions: [proof.contributions[0]!, { ...proof.contributions[1]!, seed: seedOf('x').toString('hex') }] });
      expect(!res.ok && res.problems.join()).toMatch(new RegExp(`commitment of ${pid(1)}`));
    });

    it('names dice the seeds do not give', () => {
      const wrong: [number, number] = [proof.dice[0] === 6 ? 1 : proof.dice[0] + 1, proof.dice[1]];
      const res = verifyRollProof({ ...proof, dice: wrong });
      expect(res).toEqual({ ok: false, dice: proof.dice, problems: [expect.stringMatching(/the seeds give dice/)] });
    });

    it('catches a dropped contribution (its seed changes the dice) unless by a 1/36 chance', () => {
      const res = verifyRollProof({ ...proof, contributions: [proof.contributions[0]!] });
      const alone = diceFromSeeds(house, [seeds[0]!], 3);
      expect(res.ok).toBe(alone[0] === proof.dice[0] && alone[1] === proof.dice[1]);
    });
  });
});
