import type { HttpClient } from '../harness/http';
import type { Recorder } from '../harness/recorder';
import { arrivalTimes, ratePerSecond } from '../harness/stats';
import { joinOnce, type Seating } from './seating';

export interface RunLimit {
  /** Stop after this long… */
  seconds?: number;
  /** …or after this many join sagas. */
  sagas?: number;
}

export interface JoinRun {
  completed: number;
  attempted: number;
  elapsedMs: number;
  rate: number;
}

/**
 * Closed loop: `clients` workers, each sending its next join as soon as the last one is
 * answered. Its throughput is the most the stack does with that many clients.
 */
export async function maxRateJoins(api: HttpClient, seating: Seating, recorder: Recorder, clients: number, buyIn: number, limit: RunLimit, onProgress?: (done: number) => void): Promise<JoinRun> {
  let attempted = 0;
  let completed = 0;
  const started = performance.now();
  const deadline = limit.seconds !== undefined ? started + limit.seconds * 1000 : Infinity;
  const more = () => performance.now() < deadline && (limit.sagas === undefined || attempted < limit.sagas);
  const timer = onProgress ? setInterval(() => onProgress(completed), 2_000) : undefined;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (more()) {
          attempted++;
          if (await joinOnce(api, seating, recorder, buyIn)) completed++;
        }
      }),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const elapsedMs = performance.now() - started;
  return { completed, attempted, elapsedMs, rate: ratePerSecond(completed, elapsedMs) };
}

/**
 * Open loop: joins are due at a fixed rate whatever the stack does, each sent when due
 * (with no limit on joins in flight); latency counts from the due time.
 */
export async function pacedJoins(api: HttpClient, seating: Seating, recorder: Recorder, ratePerSec: number, buyIn: number, count: number, onProgress?: (done: number) => void): Promise<JoinRun> {
  const started = performance.now();
  const due = arrivalTimes(started, ratePerSec, count);
  let completed = 0;
  const inFlight: Array<Promise<void>> = [];
  const timer = onProgress ? setInterval(() => onProgress(completed), 2_000) : undefined;
  try {
    for (const at of due) {
      const wait = at - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        joinOnce(api, seating, recorder, buyIn, at).then((ok) => {
          if (ok) completed++;
        }),
      );
    }
    await Promise.all(inFlight);
  } finally {
    if (timer) clearInterval(timer);
  }
  const elapsedMs = performance.now() - started;
  return { completed, attempted: count, elapsedMs, rate: ratePerSecond(completed, elapsedMs) };
}
