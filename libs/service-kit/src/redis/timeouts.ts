import type Redis from 'ioredis';
import { RedisScript } from './script';

/** A timeout that came due: what was armed and the deadline it was armed for. */
export interface DueTimeout {
  kind: string;
  id: string;
  /** Deadline in ms since the epoch (the sorted-set score). */
  deadline: number;
}

/**
 * Claims due members in one step: range by score, remove, return. Run atomically by
 * Redis, so two sweepers never claim the same member and each due timeout fires once.
 */
const CLAIM_DUE = new RedisScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[i])
end
return due
`);

/**
 * Timeouts in Redis (DESIGN.md section 7): one sorted set per kind, `timeouts:<kind>`,
 * score = deadline in ms, member = the id of what times out. Redis is only an index:
 * the owner keeps every deadline in its own state and re-arms from it on start.
 */
export class RedisTimeouts {
  /** `namespace` prefixes every key (tests share a server; production uses none). */
  constructor(
    readonly redis: Redis,
    readonly namespace = '',
  ) {}

  key(kind: string): string {
    return `${this.namespace}timeouts:${kind}`;
  }

  /** Sets (or moves) the deadline of `id`. */
  async arm(kind: string, id: string, deadlineMs: number): Promise<void> {
    await this.redis.zadd(this.key(kind), deadlineMs, id);
  }

  /** Sets the deadline of `id` only when it has none (a retry must not undo a newer arm). */
  async armIfAbsent(kind: string, id: string, deadlineMs: number): Promise<void> {
    await this.redis.zadd(this.key(kind), 'NX', deadlineMs, id);
  }

  /** Many at once, in one ZADD per kind (re-arming from stored state). */
  async armMany(kind: string, entries: ReadonlyArray<{ id: string; deadline: number }>): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) {
      const args: Array<string | number> = [];
      for (const e of entries.slice(i, i + 500)) args.push(e.deadline, e.id);
      if (args.length) await this.redis.zadd(this.key(kind), ...args);
    }
  }

  async disarm(kind: string, id: string): Promise<void> {
    await this.redis.zrem(this.key(kind), id);
  }

  /** The armed deadline of `id`, or null. */
  async deadlineOf(kind: string, id: string): Promise<number | null> {
    const score = await this.redis.zscore(this.key(kind), id);
    return score === null ? null : Number(score);
  }

  async count(kind: string): Promise<number> {
    return this.redis.zcard(this.key(kind));
  }

  /** Removes and returns up to `limit` members of `kind` due at `nowMs`, earliest first. */
  async claimDue(kind: string, nowMs: number, limit = 100): Promise<DueTimeout[]> {
    const flat = (await CLAIM_DUE.run(this.redis, [this.key(kind)], [nowMs, limit])) as string[];
    const due: DueTimeout[] = [];
    for (let i = 0; i < flat.length; i += 2) due.push({ kind, id: flat[i]!, deadline: Number(flat[i + 1]) });
    return due;
  }
}

/** Reacts to one due timeout. Must be idempotent and check the owner's state: Redis may be stale. */
export type TimeoutHandler = (due: DueTimeout) => Promise<void>;

export interface TimeoutSweeperOptions {
  /** Pause between sweeps that found less than a full batch; clamped to 10..10 000 ms. */
  intervalMs?: number;
  /** Members claimed per kind per round. */
  batchSize?: number;
  /** A handler that throws is armed again this much later (only if nothing re-armed it meanwhile). */
  retryDelayMs?: number;
  /** The clock; tests may move it. */
  now?: () => number;
  onError?: (err: Error, due?: DueTimeout) => void;
}

/**
 * Fires due timeouts: every round claims what is due of each kind (one Lua call each,
 * atomic, so any number of sweepers in any number of replicas share the work and each
 * timeout fires once) and runs its handler. Claimed-then-failed timeouts are re-armed
 * for a retry; a process that dies holding claims is covered by the owner re-arming from
 * its state on start.
 */
export class TimeoutSweeper {
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  private loop?: Promise<void>;
  private stopped = true;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  /** Completed sweep rounds (tests wait on it instead of sleeping). */
  rounds = 0;
  /** Handlers run, by kind. */
  readonly fired = new Map<string, number>();

  constructor(
    private readonly timeouts: RedisTimeouts,
    private readonly handlers: Readonly<Record<string, TimeoutHandler>>,
    private readonly options: TimeoutSweeperOptions = {},
  ) {
    this.intervalMs = Math.min(10_000, Math.max(10, options.intervalMs ?? 250));
    this.batchSize = Math.max(1, options.batchSize ?? 100);
    this.retryDelayMs = Math.max(1, options.retryDelayMs ?? 1_000);
    this.now = options.now ?? Date.now;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Claims and handles what is due now, once per kind; resolves with how many fired. */
  async sweepOnce(): Promise<number> {
    let handled = 0;
    for (const [kind, handler] of Object.entries(this.handlers)) {
      const due = await this.timeouts.claimDue(kind, this.now(), this.batchSize);
      await Promise.all(
        due.map(async (d) => {
          try {
            await handler(d);
            this.fired.set(kind, (this.fired.get(kind) ?? 0) + 1);
          } catch (err) {
            this.options.onError?.(err as Error, d);
            await this.timeouts.armIfAbsent(kind, d.id, this.now() + this.retryDelayMs).catch(() => undefined);
          }
        }),
      );
      handled += due.length;
    }
    this.rounds++;
    return handled;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops after the round in progress (its handlers finish); safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let pause = this.intervalMs;
      try {
        const n = await this.sweepOnce();
        failures = 0;
        // a full batch means more may be due: go again at once
        if (n >= this.batchSize) pause = 0;
      } catch (err) {
        // Redis down: back off, never past the bounded interval × 8
        failures++;
        pause = Math.min(this.intervalMs * 2 ** Math.min(failures, 3), 10_000);
        this.options.onError?.(err as Error);
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, pause);
      });
      this.wake = undefined;
    }
  }
}
