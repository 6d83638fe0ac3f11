import type { Clock } from '@bitcraps/saga';

/** Anything that can be killed: a crashed orchestrator's timers and replies never fire. */
export interface Liveness {
  readonly alive: boolean;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Virtual time: a queue of timers run in (time, insertion) order. Time jumps from one
 * timer to the next, so a 10 s backoff costs nothing; after each timer every promise
 * continuation it released runs (one macrotask turn) before the next timer, which keeps
 * the order of everything a function of the seed alone.
 */
export class VirtualTime {
  private heap: Timer[] = [];
  private seq = 0;
  private t = 0;
  events = 0;

  now(): number {
    return this.t;
  }

  at(at: number, fn: () => void): void {
    this.push({ at: Math.max(at, this.t), seq: this.seq++, fn });
  }

  after(ms: number, fn: () => void): void {
    this.at(this.t + ms, fn);
  }

  /** A Clock for one orchestrator: once it is dead its sleeps never end. */
  clockFor(owner: Liveness): Clock {
    return {
      now: () => this.t,
      sleep: (ms) => new Promise<void>((resolve) => this.after(ms, () => owner.alive && resolve())),
    };
  }

  /** Runs timers until none is left, time passes `until`, or `maxEvents` ran. */
  async run(until: number, maxEvents: number): Promise<'idle' | 'deadline' | 'budget'> {
    await settle();
    for (;;) {
      const next = this.heap[0];
      if (!next) return 'idle';
      if (next.at > until) return 'deadline';
      if (this.events >= maxEvents) return 'budget';
      this.pop();
      this.t = next.at;
      this.events++;
      next.fn();
      await settle();
    }
  }

  /** Forgets every pending timer (the end of a run). */
  clear(): void {
    this.heap = [];
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Lets every promise continuation that is ready run (they are all in-memory: no I/O). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
