import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../harness/http';
import type { Recorder } from '../harness/recorder';
import { ratePerSecond } from '../harness/stats';
import type { RunLimit } from './joins';
import type { Seating } from './seating';

export interface FullTable {
  gameId: string;
  players: Array<{ playerId: string; token: string }>;
  shooter: string | null;
}

/** One-roll bets: every roll resolves them, so a round ends with an empty layout. */
const ROUND_BETS = [{ type: 'field' }, { type: 'any_seven' }, { type: 'any_craps' }] as const;

/** Opens `count` tables and seats `perTable` freshly registered players at each. */
export async function seatTables(api: HttpClient, seating: Seating, recorder: Recorder, count: number, perTable: number, buyIn: number): Promise<FullTable[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const gameId = await seating.createTable({ maxPlayers: Math.max(perTable, 2), maxBetsPerPlayer: 200 });
      const players: FullTable['players'] = [];
      for (let i = 0; i < perTable; i++) {
        const p = await seating.register(buyIn);
        const a = await api.post(`/v1/games/${gameId}/join`, { buyIn }, { token: p.token });
        recorder.record('join (setup)', a, { success: a.status === 200 && a.body?.status === 'completed' });
        if (a.status !== 200 || a.body?.status !== 'completed') throw new Error(`could not seat a player: ${a.status} ${JSON.stringify(a.body)}`);
        players.push({ playerId: p.playerId, token: p.token });
      }
      return { gameId, players, shooter: players[0]!.playerId };
    }),
  );
}

export interface CountedRun {
  count: number;
  elapsedMs: number;
  rate: number;
}

/** One worker per table placing one-chip field bets in turn for its players. */
export async function betsPerSecond(api: HttpClient, recorder: Recorder, tables: FullTable[], limit: RunLimit, onProgress?: (n: number) => void): Promise<CountedRun> {
  let placed = 0;
  let attempted = 0;
  const started = performance.now();
  const deadline = limit.seconds !== undefined ? started + limit.seconds * 1000 : Infinity;
  const timer = onProgress ? setInterval(() => onProgress(placed), 2_000) : undefined;
  try {
    await Promise.all(
      tables.map(async (t) => {
        // a player may hold at most 200 bets on the layout (maxBetsPerPlayer of these tables)
        for (let i = 0; i < t.players.length * 200; i++) {
          if (performance.now() >= deadline || (limit.sagas !== undefined && attempted >= limit.sagas)) return;
          attempted++;
          const p = t.players[i % t.players.length]!;
          const a = await api.post(`/v1/games/${t.gameId}/bets`, { type: 'field', amount: 1 }, { token: p.token, idempotencyKey: randomUUID() });
          const ok = a.status === 200 && a.body?.status === 'completed';
          recorder.record('bet', a, { success: ok });
          if (ok) placed++;
        }
      }),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const elapsedMs = performance.now() - started;
  return { count: placed, elapsedMs, rate: ratePerSecond(placed, elapsedMs) };
}

/**
 * Full rounds, one worker per table: every player places three one-roll bets (all 24 at
 * once), then the shooter rolls and the payout saga settles them. A round counts when
 * the roll is answered.
 */
export async function roundsPerSecond(api: HttpClient, recorder: Recorder, tables: FullTable[], limit: RunLimit, onProgress?: (n: number) => void): Promise<CountedRun> {
  let rounds = 0;
  let attempted = 0;
  const started = performance.now();
  const deadline = limit.seconds !== undefined ? started + limit.seconds * 1000 : Infinity;
  const timer = onProgress ? setInterval(() => onProgress(rounds), 2_000) : undefined;
  try {
    await Promise.all(
      tables.map(async (t) => {
        while (performance.now() < deadline && (limit.sagas === undefined || attempted < limit.sagas)) {
          attempted++;
          const roundStarted = performance.now();
          await Promise.all(
            t.players.flatMap((p) =>
              ROUND_BETS.map(async (b) => {
                const a = await api.post(`/v1/games/${t.gameId}/bets`, { ...b, amount: 1 }, { token: p.token, idempotencyKey: randomUUID() });
                recorder.record('bet (round)', a, { success: a.status === 200 && a.body?.status === 'completed' });
              }),
            ),
          );
          for (let tries = 0; tries < 3; tries++) {
            const shooter = t.players.find((p) => p.playerId === t.shooter) ?? t.players[0]!;
            const a = await api.post(`/v1/games/${t.gameId}/roll`, undefined, { token: shooter.token, idempotencyKey: randomUUID() });
            if (a.status === 403) {
              // the dice moved (a seven-out answered elsewhere): ask the table who shoots
              recorder.record('roll', a);
              const g = await api.get(`/v1/games/${t.gameId}`, { token: shooter.token });
              t.shooter = g.body?.shooter ?? null;
              continue;
            }
            const ok = a.status === 200 && Array.isArray(a.body?.dice);
            recorder.record('roll', a, { success: ok });
            if (ok) {
              rounds++;
              recorder.record('round', a, { latencyMs: performance.now() - roundStarted });
              if (typeof a.body.shooter === 'string') t.shooter = a.body.shooter;
              else t.shooter = (await api.get(`/v1/games/${t.gameId}`, { token: shooter.token })).body?.shooter ?? t.shooter;
            }
            break;
          }
        }
      }),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const elapsedMs = performance.now() - started;
  return { count: rounds, elapsedMs, rate: ratePerSecond(rounds, elapsedMs) };
}
