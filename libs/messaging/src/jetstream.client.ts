import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { HEADER, type CommandDef, type Envelope, type EventDef, type PayloadOf, type QueryDef, type ReplyOf } from '@bitcraps/contracts';
import { connectNats } from './connection';
import { headerGetter, toNatsHeaders } from './nats-headers';
import { inSpan, injectTraceContext, sagaIdOf, SpanKind } from './trace-context';
import { context } from '@opentelemetry/api';

export interface JetStreamClientOptions {
  url: string;
  /** Connection name, shown by the NATS server. */
  name: string;
  /** Default deadline for a reply. */
  timeoutMs?: number;
}

export interface SendOptions {
  /** The saga or request this command belongs to. */
  correlationId?: string;
  /** Makes a re-send a duplicate that JetStream drops (same id = same command). */
  msgId?: string;
  causationId?: string;
  idempotencyKey?: string;
  timeoutMs?: number;
}

/** No reply came before the deadline: the command may still be applied later. */
export class ReplyTimeoutError extends Error {
  constructor(readonly subject: string, readonly msgId: string, readonly timeoutMs: number) {
    super(`no reply to ${subject} (${msgId}) within ${timeoutMs} ms`);
    this.name = 'ReplyTimeoutError';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  correlationId: string;
}

/**
 * Sends commands to services over JetStream and waits for their reply events, matched
 * by the command's id (the reply's `causation-id`) and correlation id, with a deadline.
 * Commands are durable: one sent while its service is down is answered when it is back.
 */
export class JetStreamClientProxy extends ClientProxy {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private connecting?: Promise<NatsConnection>;
  private readonly replySubs = new Map<string, Promise<Subscription>>();
  private readonly pending = new Map<string, Pending>();
  private readonly eventWaiters = new Map<string, (payload: unknown) => void>();

  constructor(private readonly options: JetStreamClientOptions) {
    super();
  }

  async connect(): Promise<NatsConnection> {
    if (this.nc) return this.nc;
    this.connecting ??= connectNats(this.options.url, this.options.name).then((nc) => {
      this.nc = nc;
      this.js = jetstream(nc);
      return nc;
    });
    return this.connecting;
  }

  /** Sends a command and resolves with its reply (checked by the reply schema). */
  async command<D extends CommandDef>(def: D, payload: PayloadOf<D>, opts: SendOptions = {}): Promise<ReplyOf<D>> {
    await this.connect();
    const body = def.payload.parse(payload);
    const msgId = opts.msgId ?? randomUUID();
    const correlationId = opts.correlationId ?? msgId;
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? 5_000;
    await this.subscribeReplies(def.replySubject);
    return inSpan(`${this.options.name} send ${def.subject}`, context.active(), { 'messaging.destination': def.subject, 'bitcraps.correlation_id': correlationId, 'bitcraps.saga_id': sagaIdOf(correlationId) }, SpanKind.PRODUCER, async () => {
      const reply = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(msgId);
          reject(new ReplyTimeoutError(def.subject, msgId, timeoutMs));
        }, timeoutMs);
        this.pending.set(msgId, { resolve, reject, timer, correlationId });
      });
      // the deadline may pass while the publish is still waiting for its ack
      reply.catch(() => undefined);
      try {
        await this.publishCommand(def.subject, body, { msgId, correlationId, causationId: opts.causationId, idempotencyKey: opts.idempotencyKey, version: 1 });
      } catch (err) {
        const p = this.pending.get(msgId);
        if (p) {
          clearTimeout(p.timer);
          this.pending.delete(msgId);
        }
        throw err;
      }
      return def.reply.parse(await reply) as ReplyOf<D>;
    });
  }

  /** Publishes a command without waiting for its reply. */
  async publishCommand(subject: string, body: unknown, env: Envelope): Promise<void> {
    await this.connect();
    const extra: Record<string, string> = {};
    injectTraceContext(extra);
    await this.js!.publish(subject, JSON.stringify(body), { msgID: env.msgId, headers: toNatsHeaders(env, extra) });
  }

  /** Publishes an event on EVT (de-duplicated by its id). */
  async publishEvent<D extends EventDef>(def: D, payload: PayloadOf<D>, env: Envelope): Promise<void> {
    await this.publishCommand(def.subject, def.payload.parse(payload), env);
  }

  /** A read over core request/reply: fails fast when no replica answers. */
  async query<D extends QueryDef>(def: D, payload: PayloadOf<D>, opts: { timeoutMs?: number } = {}): Promise<ReplyOf<D>> {
    const nc = await this.connect();
    const body = def.payload.parse(payload);
    const extra: Record<string, string> = {};
    injectTraceContext(extra);
    const msgId = randomUUID();
    const res = await nc.request(def.subject, JSON.stringify(body), {
      timeout: opts.timeoutMs ?? this.options.timeoutMs ?? 5_000,
      headers: toNatsHeaders({ msgId, correlationId: msgId, version: 1 }, extra),
    });
    return def.reply.parse(JSON.parse(res.string())) as ReplyOf<D>;
  }

  /**
   * Waits for the event of `def` carrying `correlationId` (e.g. the end of a saga).
   * Resolves once the interest is registered, so send the causing command after it;
   * `result` resolves with the event's payload, or null after `timeoutMs`.
   */
  async waitForEvent<D extends EventDef>(def: D, correlationId: string, timeoutMs: number): Promise<{ result: Promise<PayloadOf<D> | null>; cancel(): void }> {
    const key = `${def.subject}|${correlationId}`;
    let settle!: (v: unknown) => void;
    const result = new Promise<PayloadOf<D> | null>((resolve) => {
      settle = (v) => resolve(v === null ? null : (def.payload.parse(v) as PayloadOf<D>));
    });
    const timer = setTimeout(() => {
      this.eventWaiters.delete(key);
      settle(null);
    }, timeoutMs);
    this.eventWaiters.set(key, (v) => {
      clearTimeout(timer);
      this.eventWaiters.delete(key);
      settle(v);
    });
    await this.subscribeReplies(def.subject);
    return {
      result,
      cancel: () => {
        clearTimeout(timer);
        this.eventWaiters.delete(key);
        settle(null);
      },
    };
  }

  private subscribeReplies(subject: string): Promise<Subscription> {
    let sub = this.replySubs.get(subject);
    if (!sub) {
      sub = (async () => {
        const nc = await this.connect();
        const s = nc.subscribe(subject, {
          callback: (err, msg) => {
            if (err) return;
            const get = headerGetter(msg.headers);
            const waiter = this.eventWaiters.get(`${msg.subject}|${get(HEADER.correlationId)}`);
            if (waiter) {
              try {
                waiter(JSON.parse(msg.string()));
              } catch {
                // a malformed event: keep waiting until the deadline
              }
              return;
            }
            const cause = get(HEADER.causationId);
            const pending = cause ? this.pending.get(cause) : undefined;
            if (!pending || get(HEADER.correlationId) !== pending.correlationId) return;
            this.pending.delete(cause!);
            clearTimeout(pending.timer);
            try {
              pending.resolve(JSON.parse(msg.string()));
            } catch (parseErr) {
              pending.reject(parseErr as Error);
            }
          },
        });
        // the interest must reach the server before the command goes out
        await nc.flush();
        return s;
      })();
      this.replySubs.set(subject, sub);
    }
    return sub;
  }

  async close(): Promise<void> {
    for (const waiter of this.eventWaiters.values()) waiter(null);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('client closed'));
      this.pending.delete(id);
    }
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    this.nc = undefined;
    this.connecting = undefined;
    this.replySubs.clear();
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamClientProxy is not connected');
    return this.nc as T;
  }

  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  /** Nest's `send(pattern, data)`: `pattern` is a command's subject; `data` carries `{payload, replySubject}`. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const { payload, replySubject } = packet.data as { payload: unknown; replySubject: string };
    const def = { kind: 'command', subject: String(packet.pattern), replySubject, payload: { parse: (x: unknown) => x }, reply: { parse: (x: unknown) => x } } as unknown as CommandDef;
    this.command(def, payload as never)
      .then((response) => callback({ response, isDisposed: true }))
      .catch((err: Error) => callback({ err: err.message, isDisposed: true }));
    return () => undefined;
  }

  protected async dispatchEvent<T = any>(packet: ReadPacket): Promise<T> {
    const msgId = randomUUID();
    await this.publishCommand(String(packet.pattern), packet.data, { msgId, correlationId: msgId, version: 1 });
    return undefined as T;
  }
}
