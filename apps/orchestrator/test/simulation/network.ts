import type { CommandDef } from '@bitcraps/contracts';
import type { Prng } from './prng';
import type { Liveness, VirtualTime } from './virtual-time';
import { ServiceCrash, WriteBudget, type Reply, type World } from './world';

/** What the network and the services do wrong, while faults are on. */
export interface Faults {
  /** A request that never reaches its service (the sender times out). */
  dropRequest: number;
  /** A reply that never reaches the sender (the effect happened; the sender times out). */
  dropReply: number;
  /** A request delivered twice (a redelivery after a lost ack). */
  duplicate: number;
  /** A message held up for a long time: up to `slowMaxMs`, past the sender's deadline. */
  slow: number;
  slowMaxMs: number;
  /** The usual one-way latency is 1..fastMaxMs. */
  fastMaxMs: number;
  /** The service dies while handling (part way through its writes, or before the ack): redelivered later. */
  serviceCrash: number;
  /** Services (or single subjects) whose every message takes 1..n ms (a slow dependency), whatever else happens. */
  sluggish?: Partial<Record<string, number>>;
  /** Windows when a service answers nothing; its commands wait (they are durable) until it is back. */
  outages: Array<{ service: string; from: number; to: number }>;
}

export const NO_FAULTS: Faults = { dropRequest: 0, dropReply: 0, duplicate: 0, slow: 0, slowMaxMs: 0, fastMaxMs: 5, serviceCrash: 0, outages: [] };

export interface Envelope {
  msgId: string;
  correlationId: string;
  timeoutMs: number;
}

/** The part of JetStreamClientProxy that JetStreamCommandPort uses. */
export interface CommandBus {
  command(def: CommandDef, payload: unknown, env: Envelope): Promise<Reply>;
}

export interface Delivery {
  at: number;
  subject: string;
  msgId: string;
  payload: unknown;
  reply: Reply | 'crashed';
}

/**
 * The broker between the orchestrators and the services. A command goes out, may be
 * lost, duplicated, delayed past its sender's deadline or queued behind an outage; the
 * service applies it when it arrives (whether or not anyone still waits for it) and its
 * reply comes back the same way. A sender that stops waiting sees a timeout, which the
 * port reports as transient. Commands are checked against their contract's payload
 * schema on arrival: one that would be dead-lettered in production is a finding.
 */
export class Network {
  faultsOn = true;
  readonly deliveries: Delivery[] = [];
  readonly invalid: Array<{ subject: string; payload: unknown; issues: string }> = [];
  private redeliveries = new Map<string, number>();
  /** Parse results by payload object: a duplicate or a redelivery carries the same one. */
  private parsed = new WeakMap<object, ReturnType<CommandDef['payload']['safeParse']>>();

  constructor(
    private readonly time: VirtualTime,
    private readonly rng: Prng,
    private readonly world: World,
    private readonly faults: Faults,
    private readonly trace?: (line: string) => void,
  ) {}

  /** The bus one orchestrator incarnation sends through: dead, it hears nothing more. */
  busFor(owner: Liveness): CommandBus {
    return {
      command: (def, payload, env) =>
        new Promise<Reply>((resolve, reject) => {
          let settled = false;
          const settle = (f: () => void) => {
            if (settled || !owner.alive) return;
            settled = true;
            f();
          };
          this.time.after(env.timeoutMs, () => settle(() => reject(new Error(`no reply to ${def.subject} within ${env.timeoutMs} ms`))));
          const onReply = (reply: Reply) => settle(() => resolve(reply));
          if (this.fault('dropRequest')) this.trace?.(`${this.time.now()} lost ${def.subject} ${env.msgId}`);
          else this.send(def, payload, env, onReply);
          if (this.fault('duplicate')) this.send(def, payload, env, onReply);
        }),
    };
  }

  private fault(kind: 'dropRequest' | 'dropReply' | 'duplicate' | 'slow' | 'serviceCrash'): boolean {
    return this.faultsOn && this.rng.chance(this.faults[kind]);
  }

  private latency(def: CommandDef): number {
    if (this.fault('slow')) return this.rng.int(1, this.faults.slowMaxMs);
    return this.rng.int(1, this.faults.sluggish?.[def.subject] ?? this.faults.sluggish?.[def.service] ?? this.faults.fastMaxMs);
  }

  /** When a message sent to `service` at `at` is picked up: after any outage it falls in. */
  private pickup(service: string, at: number): number {
    if (!this.faultsOn) return at;
    let t = at;
    for (const o of this.faults.outages) if (o.service === service && t >= o.from && t < o.to) t = o.to + this.rng.int(0, 50);
    return t;
  }

  private send(def: CommandDef, payload: unknown, env: Envelope, onReply: (r: Reply) => void): void {
    const arrives = this.pickup(def.service, this.time.now() + this.latency(def));
    this.time.at(arrives, () => this.deliver(def, payload, env, onReply));
  }

  private deliver(def: CommandDef, payload: unknown, env: Envelope, onReply: (r: Reply) => void): void {
    let parsed = this.parsed.get(payload as object);
    if (!parsed) this.parsed.set(payload as object, (parsed = def.payload.safeParse(payload)));
    let reply: Reply;
    if (!parsed.success) {
      this.invalid.push({ subject: def.subject, payload, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      reply = { ok: false, code: 'INTERNAL_ERROR', message: 'dead-lettered: the payload fails its schema' };
    } else {
      // a crash part way through (some writes done) or before the ack (all done): redelivered
      const crash = this.fault('serviceCrash') && (this.redeliveries.get(env.msgId) ?? 0) < 5;
      const budget = new WriteBudget(crash ? this.rng.int(0, 3) : Infinity);
      try {
        reply = this.world.handle(def.subject, parsed.data, budget);
        if (crash) throw new ServiceCrash();
      } catch (err) {
        if (!(err instanceof ServiceCrash)) throw err;
        this.deliveries.push({ at: this.time.now(), subject: def.subject, msgId: env.msgId, payload: parsed.data, reply: 'crashed' });
        this.trace?.(`${this.time.now()} ${def.service} crashed on ${def.subject} ${env.msgId}`);
        this.redeliveries.set(env.msgId, (this.redeliveries.get(env.msgId) ?? 0) + 1);
        this.time.after(this.rng.int(500, 5_000), () => this.deliver(def, payload, env, onReply));
        return;
      }
    }
    this.deliveries.push({ at: this.time.now(), subject: def.subject, msgId: env.msgId, payload: parsed.success ? parsed.data : payload, reply });
    this.trace?.(`${this.time.now()} ${def.subject} ${env.msgId} ${JSON.stringify(parsed.success ? parsed.data : payload)} -> ${JSON.stringify(reply)}`);
    if (this.fault('dropReply')) {
      this.trace?.(`${this.time.now()} lost the reply to ${env.msgId}`);
      return;
    }
    this.time.after(this.latency(def), () => onReply(reply));
  }
}
