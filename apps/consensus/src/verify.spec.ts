import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitment, newGameId, seed } from '../test/fixtures';
import { diceFromSeeds } from './domain/dice';
import { runVerify } from './verify';

describe('verify program', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-roll-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const player = 'p_00000000-0000-4000-8000-000000000001';
  const proof = {
    gameId: newGameId(),
    rollIndex: 4,
    houseCommitment: commitment(seed('house')),
    houseSeed: seed('house'),
    contributions: [{ playerId: player, commitment: commitment(seed('p')), seed: seed('p') }],
    withheld: [],
    dice: diceFromSeeds(seed('house'), [{ playerId: player, seed: seed('p') }], 4),
  };

  async function run(argv: string[]) {
    const lines: string[] = [];
    const code = await runVerify(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {}, fetch: () => Promise.reject(new Error('no network in this test')) });
    return { code, text: lines.join('\n') };
  }
  const file = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };

  it('says ok and exits 0 for a proof that recomputes (bare, or wrapped in {proof})', async () => {
    expect(await run(['--file', file('good.json', proof)])).toEqual({ code: 0, text: expect.stringMatching(/^ok: roll 4 .* dice \[\d, \d\]/) });
    expect((await run([`--file=${file('wrapped.json', { ok: true, proof })}`])).code).toBe(0);
  });

  it('names the mismatch and exits 1 for a tampered proof', async () => {
    const wrong = [proof.dice[0] === 6 ? 1 : proof.dice[0] + 1, proof.dice[1]];
    expect(await run(['--file', file('dice.json', { ...proof, dice: wrong })])).toEqual({ code: 1, text: expect.stringMatching(/^MISMATCH: roll 4[\s\S]*the seeds give dice/) });
    const swapped = { ...proof, contributions: [{ ...proof.contributions[0]!, seed: seed('other') }] };
    expect(await run(['--file', file('seed.json', swapped)])).toEqual({ code: 1, text: expect.stringMatching(/commitment of p_/) });
  });

  it('exits 1 on what is not a proof, a missing file, or bad arguments', async () => {
    expect(await run(['--file', file('junk.json', { hello: 'world' })])).toMatchObject({ code: 1, text: expect.stringMatching(/not a roll proof/) });
    expect(await run(['--file', join(dir, 'missing.json')])).toMatchObject({ code: 1, text: expect.stringMatching(/could not read/) });
    expect(await run([])).toMatchObject({ code: 1, text: expect.stringMatching(/usage/) });
    expect(await run(['g_x', 'seven'])).toMatchObject({ code: 1 });
  });
});
