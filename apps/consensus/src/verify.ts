import { readFile } from 'node:fs/promises';
import { RollProofSchema, type RollProof } from '@bitcraps/contracts';
import { verifyRollProof } from './domain/dice';

/**
 * Verifies a roll's proof (DESIGN.md section 6) independently of the servers: recomputes
 * every commitment from its seed and the dice from the seeds, and says ok or what does
 * not match. Exit code 0 when the proof holds, 1 otherwise.
 *
 *   verify-roll [--url http://127.0.0.1:3000] <gameId> <rollIndex>   fetch it from the gateway (or BITCRAPS_URL)
 *   verify-roll --file proof.json                                    read it from a file (a proof, or {"proof": …})
 *
 * Run from the workspace: node -r ts-node/register/transpile-only -r tsconfig-paths/register apps/consensus/src/verify.ts …
 * or, after `npm run build`: node dist/apps/consensus/src/verify.js …
 */

export interface VerifyIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
}

const USAGE = 'usage: verify-roll [--url <gateway url>] <gameId> <rollIndex> | verify-roll --file <proof.json>';

/** Runs the program; resolves with its exit code. */
export async function runVerify(argv: readonly string[], io: VerifyIo): Promise<number> {
  const args = [...argv];
  let url = io.env.BITCRAPS_URL || 'http://127.0.0.1:3000';
  let file: string | undefined;
  const positional: string[] = [];
  while (args.length) {
    const a = args.shift()!;
    if (a === '--url') url = args.shift() ?? '';
    else if (a.startsWith('--url=')) url = a.slice('--url='.length);
    else if (a === '--file') file = args.shift();
    else if (a.startsWith('--file=')) file = a.slice('--file='.length);
    else if (a === '--help' || a === '-h') {
      io.out(USAGE);
      return 0;
    } else positional.push(a);
  }
  let raw: unknown;
  let source: string;
  try {
    if (file) {
      source = file;
      raw = JSON.parse(await readFile(file, 'utf8'));
    } else {
      const [gameId, rollIndex] = positional;
      if (!gameId || !rollIndex || !/^\d+$/.test(rollIndex) || !url) {
        io.err(USAGE);
        return 1;
      }
      source = `${url.replace(/\/+$/, '')}/v1/games/${encodeURIComponent(gameId)}/rolls/${rollIndex}/proof`;
      const res = await io.fetch(source, { headers: { accept: 'application/json' } });
      const text = await res.text();
      if (!res.ok) {
        io.err(`could not fetch the proof: ${res.status} ${text.slice(0, 500)}`);
        return 1;
      }
      raw = JSON.parse(text);
    }
  } catch (err) {
    io.err(`could not read the proof: ${(err as Error).message}`);
    return 1;
  }
  const body = raw && typeof raw === 'object' && 'proof' in raw ? (raw as { proof: unknown }).proof : raw;
  const parsed = RollProofSchema.safeParse(body);
  if (!parsed.success) {
    io.err(`not a roll proof (${source}): ${parsed.error.issues.map((i) => `${i.path.join('.') || 'proof'}: ${i.message}`).join('; ')}`);
    return 1;
  }
  return report(parsed.data, io);
}

function report(proof: RollProof, io: VerifyIo): number {
  const result = verifyRollProof(proof);
  const what = `roll ${proof.rollIndex}${proof.gameId ? ` of ${proof.gameId}` : ''}`;
  if (!result.ok) {
    io.out(`MISMATCH: ${what}`);
    for (const p of result.problems) io.out(`  - ${p}`);
    return 1;
  }
  const withheld = proof.withheld?.length ? `; ${proof.withheld.length} committed player(s) withheld their seed and were left out` : '';
  io.out(
    `ok: ${what}: dice [${result.dice.join(', ')}] recomputed from the house seed and ${proof.contributions.length} player seed(s); ` +
      `the house commitment and every player commitment match${withheld}`,
  );
  return 0;
}

if (require.main === module) {
  void runVerify(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    env: process.env,
    fetch: globalThis.fetch,
  }).then((code) => {
    process.exitCode = code;
  });
}
