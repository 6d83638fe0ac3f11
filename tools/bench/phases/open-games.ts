import type { Recorder } from '../harness/recorder';
import { ratePerSecond } from '../harness/stats';
import type { Seating } from './seating';

export interface OpenGamesRun {
  created: number;
  elapsedMs: number;
  rate: number;
}

/** Creates `count` idle games (default settings, nobody seated), `clients` at a time. */
export async function createIdleGames(seating: Seating, _recorder: Recorder, count: number, clients: number, onProgress?: (n: number) => void): Promise<OpenGamesRun> {
  let next = 0;
  let created = 0;
  const started = performance.now();
  const timer = onProgress ? setInterval(() => onProgress(created), 5_000) : undefined;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < count) {
          next++;
          await seating.createTable({ maxPlayers: 10 });
          created++;
        }
      }),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const elapsedMs = performance.now() - started;
  return { created, elapsedMs, rate: ratePerSecond(created, elapsedMs) };
}
