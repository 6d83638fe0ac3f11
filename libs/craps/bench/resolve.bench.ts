/**
 * Throughput of applyRoll on a busy table: 20 players with 10 open bets each (a mix of every
 * type), topped up after every roll, dice from a seeded xorshift32. A program, not a test:
 *
 *   npm run bench:craps                 # 200 000 rolls
 *   ROLLS=1000000 npm run bench:craps
 *
 * Reports, over the time spent inside applyRoll only:
 *   bets evaluated/s   every open bet examined by a roll (settled or left standing)
 *   resolutions/s      bets a roll settled (win, lose or push)
 * and the heap growth over the run (after a full GC on both ends).
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { applyRoll, BET_TYPES, Bet, BetRequest, BetType, createBet, createTable, Dice, Die, Table, validateBet } from '../src';

const ROLLS = Number(process.env['ROLLS'] ?? 200_000);
const WARMUP_ROLLS = 20_000;
const PLAYERS = 20;
const BETS_PER_PLAYER = 10;
const SEED = 0x2545f491;

/** xorshift32: deterministic, fast, good enough for dice. */
let state = SEED >>> 0;
function next(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
/** Uniform 0..n-1 by rejection, no modulo bias. */
function below(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const x = next();
    if (x < limit) return x % n;
  }
}
const rollDice = (): Dice => [(below(6) + 1) as Die, (below(6) + 1) as Die];

const NUMBERS = [4, 5, 6, 8, 9, 10] as const;
const HARD = [4, 6, 8, 10] as const;

const COME_OUT_TYPES = BET_TYPES.filter((t) => !['come', 'dont_come', 'pass_odds', 'dont_pass_odds'].includes(t));
const POINT_TYPES = BET_TYPES.filter((t) => t !== 'pass' && t !== 'dont_pass');

/** A random request of a random type for `playerId`, shaped so that the table may accept it. */
function randomRequest(table: Table, playerId: string, mine: readonly Bet[]): BetRequest {
  const types = table.phase === 'come-out' ? COME_OUT_TYPES : POINT_TYPES;
  const type: BetType = types[below(types.length)] as BetType;
  const amount = 1 + below(100);
  switch (type) {
    case 'place':
      return { playerId, type, amount, number: NUMBERS[below(NUMBERS.length)] as number };
    case 'hardway':
      return { playerId, type, amount, number: HARD[below(HARD.length)] as number };
    case 'come_odds':
    case 'dont_come_odds': {
      const base = type === 'come_odds' ? 'come' : 'dont_come';
      const moved = mine.find((b) => b.type === base && b.point != null);
      return { playerId, type, amount: 1 + below(30), number: moved?.point ?? 6 };
    }
    case 'pass_odds':
    case 'dont_pass_odds':
      return { playerId, type, amount: 1 + below(30) };
    default:
      return { playerId, type, amount };
  }
}

const players = Array.from({ length: PLAYERS }, (_, i) => `player-${String(i).padStart(2, '0')}`);
let nextBetId = 0;
let refused = 0;

/** Tops every player back up to BETS_PER_PLAYER open bets (a few tries each; refusals are skipped). */
function refill(table: Table, bets: Bet[]): Bet[] {
  const byPlayer = new Map<string, Bet[]>(players.map((p) => [p, []]));
  for (const b of bets) byPlayer.get(b.playerId)?.push(b);
  const out = bets.slice();
  for (const p of players) {
    const mine = byPlayer.get(p) as Bet[];
    for (let tries = 0; mine.length < BETS_PER_PLAYER && tries < 3 * BETS_PER_PLAYER; tries++) {
      const req = randomRequest(table, p, mine);
      // validateBet only looks at the asking player's bets, so their own list is enough.
      if (!validateBet(table, mine, req).ok) {
        refused++;
        continue;
      }
      const bet = createBet(req, `bet-${nextBetId++}`);
      mine.push(bet);
      out.push(bet);
    }
  }
  return out;
}

function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface Totals {
  rolls: number;
  evaluated: number;
  resolutions: number;
  moved: number;
  sevenOuts: number;
  ns: bigint;
}

function run(rolls: number, table: Table, bets: Bet[], report: boolean): { table: Table; bets: Bet[]; totals: Totals } {
  const totals: Totals = { rolls: 0, evaluated: 0, resolutions: 0, moved: 0, sevenOuts: 0, ns: 0n };
  const step = Math.max(1, Math.floor(rolls / 10));
  for (let i = 1; i <= rolls; i++) {
    bets = refill(table, bets);
    const dice = rollDice();
    const t0 = process.hrtime.bigint();
    const result = applyRoll(table, bets, dice);
    totals.ns += process.hrtime.bigint() - t0;
    totals.rolls++;
    totals.evaluated += bets.length;
    totals.resolutions += result.resolutions.length;
    totals.moved += result.moved.length;
    if (result.sevenOut) totals.sevenOuts++;
    table = result.table;
    bets = result.standing;
    if (report && i % step === 0) {
      const s = Number(totals.ns) / 1e9;
      console.log(
        `  ${String(Math.round((100 * i) / rolls)).padStart(3)}%  ${i} rolls  ${fmt(totals.resolutions / s)} resolutions/s  ${fmt(totals.evaluated / s)} bets evaluated/s  open bets ${bets.length}`,
      );
    }
  }
  return { table, bets, totals };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

function main(): void {
  const gc = getGc();
  console.log(`craps resolve bench: ${PLAYERS} players x ${BETS_PER_PLAYER} bets, ${fmt(ROLLS)} rolls (+${fmt(WARMUP_ROLLS)} warm-up), seed 0x${SEED.toString(16)}`);

  let table = createTable(players);
  let bets: Bet[] = [];
  ({ table, bets } = run(WARMUP_ROLLS, table, bets, false));

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const wall0 = process.hrtime.bigint();
  const { totals, bets: left } = run(ROLLS, table, bets, true);
  const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;

  const s = Number(totals.ns) / 1e9;
  console.log('');
  console.log(`rolls                 ${fmt(totals.rolls)} (seven-outs ${fmt(totals.sevenOuts)})`);
  console.log(`bets evaluated        ${fmt(totals.evaluated)} (${(totals.evaluated / totals.rolls).toFixed(1)} open bets per roll)`);
  console.log(`resolutions           ${fmt(totals.resolutions)} (${((100 * totals.resolutions) / totals.evaluated).toFixed(1)}% of evaluated; ${fmt(totals.moved)} come bets moved)`);
  console.log(`time in applyRoll     ${s.toFixed(3)} s (${((1e6 * s) / totals.rolls).toFixed(2)} µs per roll); wall ${wallS.toFixed(3)} s incl. refills`);
  console.log(`bets evaluated/s      ${fmt(totals.evaluated / s)}`);
  console.log(`resolutions/s         ${fmt(totals.resolutions / s)}`);
  console.log(`refused refills       ${fmt(refused)}`);
  console.log(`heap before / after   ${mb(heapBefore)} / ${mb(heapAfter)} (growth ${mb(heapAfter - heapBefore)}; ${left.length} bets still open)`);
}

main();
