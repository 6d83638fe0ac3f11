import { isAlive, type Replica, type ServiceName, type Stack } from '../bench/harness/stack';
import type { ProcessLogs } from './logs';
import type { Prng } from './prng';

/** One fault of a run, at `atMs` after the workload started. */
export type Fault =
  | { atMs: number; kind: 'kill'; service: ServiceName; index: number; downMs: number }
  /** Both replicas of a service at once: a full outage of it. */
  | { atMs: number; kind: 'kill-all'; service: ServiceName; downMs: number }
  | { atMs: number; kind: 'restart-nats'; hard: boolean; downMs: number }
  | { atMs: number; kind: 'restart-redis' };

export interface FaultPlanOptions {
  durationMs: number;
  /** Mean gap between faults. */
  everyMs: number;
  services: readonly ServiceName[];
  replicas: number;
  natsRestarts: number;
  redisRestarts: number;
  /** No fault in the first and last this many ms (the workload warms up; the tail lets the last restart finish). */
  marginMs?: number;
}

/**
 * The faults of a run, decided by the seed alone (pure): kills at random gaps around
 * `everyMs` (mostly one replica, sometimes every replica of a service), and the NATS
 * and Redis restarts spread over the run.
 */
export function planFaults(rng: Prng, o: FaultPlanOptions): Fault[] {
  const margin = o.marginMs ?? Math.min(5_000, o.durationMs / 10);
  const start = margin;
  const end = o.durationMs - margin;
  const faults: Fault[] = [];
  if (end <= start) return faults;
  for (let at = start + rng.int(0, o.everyMs); at < end; at += rng.int(Math.round(o.everyMs / 2), Math.round((o.everyMs * 3) / 2))) {
    const service = rng.pick(o.services);
    const downMs = rng.int(200, 3_000);
    if (o.replicas > 1 && rng.chance(0.15)) faults.push({ atMs: at, kind: 'kill-all', service, downMs });
    else faults.push({ atMs: at, kind: 'kill', service, index: rng.int(0, o.replicas - 1), downMs });
  }
  const spread = (n: number, make: (at: number) => Fault) => {
    for (let i = 0; i < n; i++) {
      const slot = (end - start) / n;
      faults.push(make(Math.round(start + slot * i + rng.next() * slot)));
    }
  };
  spread(o.natsRestarts, (atMs) => ({ atMs, kind: 'restart-nats', hard: rng.chance(0.5), downMs: rng.int(0, 2_000) }));
  spread(o.redisRestarts, (atMs) => ({ atMs, kind: 'restart-redis' }));
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export interface FaultLog {
  kills: Record<string, number>;
  /** Processes found dead that no fault killed: they crashed on their own (and were started again). */
  crashes: Array<{ replica: string; output: string }>;
  restarts: Record<string, number>;
  natsRestarts: number;
  redisRestarts: number;
  /** Restarts of a service that failed (it did not come up); retried. */
  failedStarts: Array<{ replica: string; error: string }>;
  timeline: string[];
}

const name = (r: Replica) => `${r.service}#${r.index}`;

/**
 * Carries out a plan against a running stack: SIGKILL, then start again after the
 * fault's down time (in the background, as a supervisor would). `stop()` waits for
 * every restart, so the stack is whole again afterwards.
 */
export class FaultInjector {
  readonly log: FaultLog = { kills: {}, crashes: [], restarts: {}, natsRestarts: 0, redisRestarts: 0, failedStarts: [], timeline: [] };
  private watchdog?: NodeJS.Timeout;
  private readonly down = new Set<Replica>();
  private readonly restarts = new Set<Promise<void>>();
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly stack: Stack,
    private readonly say: (line: string) => void,
    private readonly logs?: ProcessLogs,
  ) {}

  start(plan: Fault[], t0: number): void {
    // a replica that dies without a fault crashed on its own: note it and start it again
    this.watchdog = setInterval(() => {
      for (const r of this.stack.replicas) {
        if (this.down.has(r) || isAlive(r.proc.pid)) continue;
        this.down.add(r);
        this.logs?.save(r, 'died on its own');
        this.log.crashes.push({ replica: name(r), output: r.proc.output.slice(-3_000) });
        this.note(`${name(r)} (pid ${r.proc.pid}) died on its own; starting it again`);
        this.scheduleRestart(r, 0);
      }
    }, 1_000);
    this.running = (async () => {
      for (const f of plan) {
        const wait = t0 + f.atMs - Date.now();
        if (wait > 0) await this.sleep(wait);
        if (this.stopped) return;
        await this.apply(f).catch((err) => this.note(`fault ${f.kind} failed: ${(err as Error).message}`));
      }
    })();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private note(line: string): void {
    this.log.timeline.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    this.say(line);
  }

  private async apply(f: Fault): Promise<void> {
    if (f.kind === 'restart-nats') {
      this.note(`restart NATS (${f.hard ? 'SIGKILL' : 'SIGTERM'}, down ${f.downMs} ms)`);
      await this.stack.infra.restartNats({ hard: f.hard, downMs: f.downMs });
      this.log.natsRestarts++;
      return;
    }
    if (f.kind === 'restart-redis') {
      this.note('restart Redis (its data is lost)');
      await this.stack.infra.restartRedis({ hard: true });
      this.log.redisRestarts++;
      return;
    }
    const replicas = this.stack.of(f.service);
    const targets = f.kind === 'kill-all' ? replicas : [replicas[f.index] ?? replicas[0]!];
    for (const r of targets) {
      if (this.down.has(r)) continue; // still coming back from an earlier kill
      this.down.add(r);
      this.note(`SIGKILL ${name(r)} (pid ${r.proc.pid}), back in ${f.downMs} ms`);
      await r.proc.kill('SIGKILL');
      this.logs?.save(r, 'SIGKILL');
      this.log.kills[f.service] = (this.log.kills[f.service] ?? 0) + 1;
      this.scheduleRestart(r, f.downMs);
    }
  }

  private scheduleRestart(r: Replica, afterMs: number): void {
    const p = (async () => {
      await new Promise((res) => setTimeout(res, afterMs));
      for (let attempt = 1; ; attempt++) {
        try {
          await r.proc.start(180_000);
          // it may have lost its port and looked ready through another process's answers
          await new Promise((res) => setTimeout(res, 300));
          if (!isAlive(r.proc.pid)) {
            this.logs?.save(r, 'exited right after start');
            throw new Error(`exited right after start: ${r.proc.output.slice(-500)}`);
          }
          this.log.restarts[r.service] = (this.log.restarts[r.service] ?? 0) + 1;
          this.note(`${name(r)} is back (pid ${r.proc.pid})`);
          break;
        } catch (err) {
          this.logs?.save(r, `did not start (attempt ${attempt})`);
          const lines = (err as Error).message.split('\n').map((l) => l.trim()).filter(Boolean);
          const msg = [lines[0], ...lines.filter((l) => /Error|error/.test(l)).slice(0, 2)].join(' … ').slice(0, 500);
          this.log.failedStarts.push({ replica: name(r), error: msg });
          this.note(`${name(r)} did not start (attempt ${attempt}): ${msg}`);
          await r.proc.kill('SIGKILL').catch(() => undefined);
          if (attempt >= 5) throw err;
        }
      }
      this.down.delete(r);
    })();
    const tracked = p.catch(() => undefined).finally(() => this.restarts.delete(tracked));
    this.restarts.add(tracked);
  }

  /** Stops injecting and waits until every killed replica runs again. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running?.catch(() => undefined);
    while (this.restarts.size) await Promise.all([...this.restarts]);
    if (this.watchdog) clearInterval(this.watchdog);
  }

  /** Replicas still down (after `stop`, only those that never came back). */
  get downReplicas(): string[] {
    return [...this.down].map(name);
  }
}
