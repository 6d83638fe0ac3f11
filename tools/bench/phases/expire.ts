import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { SagaEnded } from '@bitcraps/contracts';
import type { HttpClient } from '../harness/http';
import type { Recorder } from '../harness/recorder';
import { ratePerSecond, summarize, type LatencySummary } from '../harness/stats';
import { SEATS_PER_PLAYER, type Seating } from './seating';

/** The shortest inactivity timeout a game accepts. */
export const EXPIRE_AFTER_MS = 10_000;

export interface ExpireRun {
  games: number;
  ended: number;
  statuses: Record<string, number>;
  /** From the first game's inactivity deadline to the last expire saga's end. */
  sweepMs: number;
  /**
   * From the last game's deadline to the last expire saga's end: the deadlines spread over
   * the setup (each game is due 10 s after its own last command), so this is the time the
   * sweep needed beyond keeping up.
   */
  tailMs: number;
  rate: number;
  /** Per game: the expire saga's end minus the game's inactivity deadline. */
  lag: LatencySummary;
  /** Players whose wallet holds their whole deposit again. */
  walletsRestored: number;
  players: number;
}

/**
 * The expire sweep: `count` games with two seated players and a bet each, left alone
 * with the shortest inactivity timeout; lifecycle's sweeper raises game-inactive and
 * the orchestrator's expire saga refunds the bets, cashes the stacks out and closes the
 * game. Saga ends are read from EVT (`evt.orchestrator.saga-ended`).
 */
export async function expireSweep(
  natsUrl: string, api: HttpClient, seating: Seating, recorder: Recorder, count: number, clients: number, buyIn: number,
  log: (line: string) => void = () => undefined,
): Promise<ExpireRun> {
  const nc = await connect({ servers: natsUrl, name: 'bench-expire' });
  const ended = new Map<string, { at: number; status: string }>();
  nc.subscribe(SagaEnded.subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        const { saga } = msg.json<{ saga: { type: string; gameId: string | null; status: string } }>();
        if (saga.type === 'expire' && saga.gameId && !ended.has(saga.gameId)) ended.set(saga.gameId, { at: performance.now(), status: saga.status });
      } catch {
        // not ours
      }
    },
  });
  await nc.flush();

  const perPlayer = SEATS_PER_PLAYER;
  const players = await Promise.all(Array.from({ length: Math.ceil((2 * count) / perPlayer) }, () => seating.register()));
  // seat 2i and 2i + 1 must be two players: deal the players round by round, not each one's seats in a row
  const seats = Array.from({ length: perPlayer }, () => players).flat();
  const deadlines = new Map<string, number>();
  let next = 0;
  // the setup of a large sweep takes minutes: say how far it is, and how many already expired
  const progress = setInterval(() => log(`  ${deadlines.size} of ${count} games set up, ${ended.size} expired`), 5_000);
  await Promise.all(
    Array.from({ length: Math.min(clients, count) }, async () => {
      while (next < count) {
        const i = next++;
        const gameId = await seating.createTable({ maxPlayers: 2, inactivityTimeoutMs: EXPIRE_AFTER_MS });
        for (const p of [seats[2 * i]!, seats[2 * i + 1]!]) {
          const j = await api.post(`/v1/games/${gameId}/join`, { buyIn }, { token: p.token });
          recorder.record('join (expire setup)', j, { success: j.status === 200 && j.body?.status === 'completed' });
          const b = await api.post(`/v1/games/${gameId}/bets`, { type: 'field', amount: 1 }, { token: p.token, idempotencyKey: randomUUID() });
          recorder.record('bet (expire setup)', b, { success: b.status === 200 && b.body?.status === 'completed' });
        }
        deadlines.set(gameId, performance.now() + EXPIRE_AFTER_MS);
      }
    }),
  ).finally(() => clearInterval(progress));
  log(`  all ${count} games set up; waiting for their expire sagas`);

  const giveUp = performance.now() + EXPIRE_AFTER_MS + 180_000;
  const waiting = setInterval(() => log(`  ${ended.size} of ${count} expired`), 5_000);
  while (performance.now() < giveUp && [...deadlines.keys()].some((g) => !ended.has(g))) await new Promise((r) => setTimeout(r, 200));
  clearInterval(waiting);
  await nc.drain();

  const firstDue = Math.min(...deadlines.values());
  const mine = [...deadlines.entries()].filter(([g]) => ended.has(g));
  const lastEnd = Math.max(...mine.map(([g]) => ended.get(g)!.at));
  const statuses: Record<string, number> = {};
  for (const [g] of mine) statuses[ended.get(g)!.status] = (statuses[ended.get(g)!.status] ?? 0) + 1;
  let walletsRestored = 0;
  for (const p of players) {
    const me = await api.get('/v1/players/me', { token: p.token });
    if (me.body?.balance === buyIn * perPlayer) walletsRestored++;
  }
  const sweepMs = mine.length ? lastEnd - firstDue : NaN;
  const tailMs = mine.length ? lastEnd - Math.max(...deadlines.values()) : NaN;
  return {
    games: count,
    ended: mine.length,
    statuses,
    sweepMs,
    tailMs,
    rate: ratePerSecond(mine.length, sweepMs),
    lag: summarize(mine.map(([g, due]) => ended.get(g)!.at - due)),
    walletsRestored,
    players: players.length,
  };
}
