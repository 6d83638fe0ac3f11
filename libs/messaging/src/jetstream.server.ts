import { CustomTransportStrategy, Server, type MessageHandler } from '@nestjs/microservices';
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { lastValueFrom, isObservable } from 'rxjs';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  deadLetterSubject,
  queryFilter,
  refuse,
  STREAMS,
  HEADER,
  type CommandDef,
  type Envelope,
  type QueryDef,
} from '@bitcraps/contracts';
import { connectNats } from './connection';
import { Semaphore, KeyedQueue } from './concurrency';
import { ensureServiceConsumer, ensureStreams, DEFAULT_CONSUMER_SETTINGS, type ConsumerSettings } from './provisioning';
import { headerGetter, readEnvelope, toNatsHeaders } from './nats-headers';
import { extractTraceContext, inSpan, injectTraceContext, sagaIdOf, SpanKind } from './trace-context';
import { JetStreamContext } from './jetstream.context';
import type { HandlerExtras } from './decorators';

export interface JetStreamServerOptions {
  /** `nats://host:port`, several separated by commas. */
  url: string;
  /** The service whose commands this server consumes (`cmd.<service>.>`). */
  service: string;
  /** Handlers running at once in this replica. */
  concurrency?: number;
  consumer?: Partial<ConsumerSettings>;
  /** Base delay of the exponential backoff between redeliveries of a failing command. */
  retryBaseMs?: number;
  /** Stream replicas to create with (3 in production clusters). */
  streamReplicas?: number;
  /** Called for every handled message: subject, outcome and seconds taken (metrics). */
  onHandled?: (subject: string, outcome: 'ok' | 'refused' | 'error' | 'dead-letter', seconds: number) => void;
}

type Status = 'connected' | 'disconnected' | 'reconnecting';

/**
 * Nest transport over NATS JetStream. Commands arrive through the service's one durable
 * pull consumer (shared by all replicas); each is checked against its schema, handled
 * under a concurrency bound (in order per ordering key), answered with a reply event on
 * EVT, and only then acknowledged. A message that fails its schema, or keeps failing
 * until `maxDeliver`, is acknowledged and republished to `dlq.<subject>` with the reason.
 * Reads (`qry.<service>.>`) are served on core NATS request/reply in a queue group.
 */
export class JetStreamServer extends Server<Record<string, Function>, Status> implements CustomTransportStrategy {
  protected override readonly logger = new Logger('JetStreamServer');
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private messages?: ConsumerMessages;
  private querySub?: Subscription;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly semaphore: Semaphore;
  private readonly ordered = new KeyedQueue();
  private readonly settings: ConsumerSettings;
  private readonly listeners = new Map<string, Function[]>();
  private consumeLoop?: Promise<void>;

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.semaphore = new Semaphore(options.concurrency ?? 32);
    this.settings = { ...DEFAULT_CONSUMER_SETTINGS, ...options.consumer };
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const { service } = this.options;
    this.nc = await connectNats(this.options.url, service);
    this.watchStatus(this.nc);
    const jsm = await jetstreamManager(this.nc);
    await ensureStreams(jsm, { replicas: this.options.streamReplicas ?? 1 });
    const durable = await ensureServiceConsumer(jsm, service, this.settings);
    this.js = jetstream(this.nc);
    const consumer = await this.js.consumers.get(STREAMS.commands.name, durable);
    this.messages = await consumer.consume({ max_messages: Math.min(this.settings.maxAckPending, 64) });
    this.consumeLoop = this.runConsumeLoop(this.messages);
    this.querySub = this.nc.subscribe(queryFilter(service), {
      queue: service,
      callback: (err, msg) => {
        if (err) return this.logger.error(`query subscription: ${err.message}`);
        this.track(this.handleQuery(msg));
      },
    });
    this._status$.next('connected');
    this.logger.log(`consuming ${STREAMS.commands.name} as '${durable}'`);
  }

  private async runConsumeLoop(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.stopping) {
        m.nak();
        continue;
      }
      await this.semaphore.acquire();
      this.track(
        this.handleCommand(m).finally(() => this.semaphore.release()),
      );
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => this.logger.error(`unhandled: ${(err as Error).stack ?? err}`));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /**
   * Our patterns are subjects, plain strings. Nest's own lookup first tries JSON.parse on
   * the pattern, which throws (an Error with its stack) for every message.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? null;
  }

  private async handleCommand(m: JsMsg): Promise<void> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const envelope = readEnvelope(m.headers);
    if (!envelope.success) {
      await this.deadLetter(m, `bad envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      this.options.onHandled?.(m.subject, 'dead-letter', seconds());
      return;
    }
    const handler = this.getHandlerByPattern(m.subject);
    const extras = handler?.extras as HandlerExtras | undefined;
    if (!handler || extras?.definition.kind !== 'command') {
      await this.deadLetter(m, `no handler for ${m.subject}`);
      this.options.onHandled?.(m.subject, 'dead-letter', seconds());
      return;
    }
    const def = extras.definition as CommandDef;
    const payload = parseJson(m.data);
    const parsed = payload.ok ? def.payload.safeParse(payload.value) : undefined;
    if (!parsed?.success) {
      const why = !payload.ok ? payload.reason : parsed!.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      await this.deadLetter(m, `schema: ${why}`);
      this.options.onHandled?.(m.subject, 'dead-letter', seconds());
      return;
    }
    const key = extras.orderingKey?.(parsed.data);
    await this.ordered.run(key, async () => {
      const parent = extractTraceContext(headerGetter(m.headers));
      const attributes = {
        'messaging.system': 'nats',
        'messaging.destination': m.subject,
        'bitcraps.correlation_id': envelope.data.correlationId,
        'bitcraps.delivery': m.info.deliveryCount,
        // the saga and the game, to find a table's traces: a saga step's payload rarely names
        // its saga, but its correlation id is the saga id
        'bitcraps.saga_id': stringField(parsed.data, 'sagaId') ?? sagaIdOf(envelope.data.correlationId),
        'bitcraps.game_id': stringField(parsed.data, 'gameId'),
      };
      await inSpan(`${this.options.service} ${m.subject}`, parent, attributes, SpanKind.CONSUMER, async () => {
        try {
          const ctx = new JetStreamContext([m.subject, envelope.data, m.info.deliveryCount]);
          const reply = await this.invoke(handler, parsed.data, ctx);
          const checked = def.reply.safeParse(reply);
          if (!checked.success) throw new Error(`handler of ${m.subject} answered a reply that fails its schema: ${checked.error.message}`);
          await this.publishReply(def.replySubject, envelope.data, checked.data, key);
          m.ack();
          this.options.onHandled?.(m.subject, (checked.data as { ok: boolean }).ok ? 'ok' : 'refused', seconds());
        } catch (err) {
          await this.onHandlerError(m, def, envelope.data, err as Error);
          this.options.onHandled?.(m.subject, 'error', seconds());
        }
      });
    });
  }

  /**
   * An exception is a bug or an outage, not an answer: redeliver with exponential
   * backoff; on the last delivery, dead-letter it and answer INTERNAL_ERROR so that no
   * caller waits forever.
   */
  private async onHandlerError(m: JsMsg, def: CommandDef, env: Envelope, err: Error): Promise<void> {
    const attempt = m.info.deliveryCount;
    if (attempt >= this.settings.maxDeliver) {
      this.logger.error(`${m.subject} failed on delivery ${attempt}, dead-lettering: ${err.message}`);
      await this.deadLetter(m, `handler failed ${attempt} times: ${err.message}`);
      await this.publishReply(def.replySubject, env, refuse('INTERNAL_ERROR', 'the command could not be handled')).catch(() => undefined);
      return;
    }
    const delay = this.stopping ? 0 : redeliveryDelayMs(attempt, this.options.retryBaseMs);
    this.logger.warn(`${m.subject} failed on delivery ${attempt}, retrying in ${delay} ms: ${err.message}`);
    m.nak(delay);
  }

  private async invoke(handler: MessageHandler, payload: unknown, ctx: JetStreamContext): Promise<unknown> {
    const result = await handler(payload, ctx);
    return isObservable(result) ? lastValueFrom(result) : result;
  }

  private async publishReply(subject: string, command: Envelope, reply: unknown, orderingKey?: string): Promise<void> {
    const env: Envelope = {
      msgId: `reply:${command.msgId}`,
      correlationId: command.correlationId,
      causationId: command.msgId,
      idempotencyKey: command.idempotencyKey,
      version: 1,
    };
    const extra: Record<string, string> = orderingKey ? { [HEADER.orderingKey]: orderingKey } : {};
    injectTraceContext(extra);
    await this.js!.publish(subject, JSON.stringify(reply), { msgID: env.msgId, headers: toNatsHeaders(env, extra) });
  }

  /**
   * Republishes a message to `dlq.<subject>` with the reason, then acknowledges it. Only
   * our own envelope headers are copied (bounded): a hostile message's headers, NATS's
   * own (`Nats-Expected-Stream`…) above all, must not make the dead letter itself fail.
   * A body too large to fit beside those headers under the server's max_payload is cut
   * (header `dlq-truncated` keeps its size, `dlq-sha256` its hash), so even a command at
   * the broker's limit is dead-lettered. If the DLQ stays unreachable the message is
   * redelivered, and past maxDeliver it is terminated with a log line: a poison message
   * never stalls the consumer.
   */
  private async deadLetter(m: JsMsg, reason: string): Promise<void> {
    this.logger.warn(`dead letter ${m.subject}: ${reason}`);
    const copied: Record<string, string> = {};
    for (const name of [HEADER.correlationId, HEADER.causationId, HEADER.idempotencyKey, HEADER.traceparent, HEADER.tracestate]) {
      const v = m.headers?.get(name);
      if (v) copied[`original-${name}`] = v.slice(0, 256);
    }
    const original = m.headers?.get(HEADER.msgId);
    if (original) copied['original-msg-id'] = original.slice(0, 256);
    const msgId = `dlq:${m.subject}:${m.seq}`;
    copied[HEADER.dlqSha256] = createHash('sha256').update(m.data).digest('hex');
    const room = Math.max(0, (this.nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - DEAD_LETTER_HEADER_ROOM);
    const body = m.data.length > room ? m.data.subarray(0, room) : m.data;
    if (body !== m.data) copied[HEADER.dlqTruncated] = String(m.data.length);
    const h = toNatsHeaders(
      { msgId, correlationId: 'dead-letter', version: 1 },
      { ...copied, [HEADER.dlqReason]: reason.replace(/[\r\n]+/g, ' ').slice(0, 1000), [HEADER.dlqSubject]: m.subject.slice(0, 256) },
    );
    try {
      await this.js!.publish(deadLetterSubject(m.subject), body, { headers: h, msgID: msgId });
      m.ack();
    } catch (err) {
      this.logger.error(`could not dead-letter ${m.subject}: ${(err as Error).message}`);
      if (m.info.deliveryCount >= this.settings.maxDeliver) m.term(`dead letter failed: ${(err as Error).message}`.slice(0, 200));
      else m.nak(1_000);
    }
  }

  private async handleQuery(msg: Msg): Promise<void> {
    const handler = this.getHandlerByPattern(msg.subject);
    const extras = handler?.extras as HandlerExtras | undefined;
    const respond = (body: unknown) => msg.respond(JSON.stringify(body));
    if (!handler || extras?.definition.kind !== 'query') return void respond(refuse('NOT_FOUND', `no query ${msg.subject}`));
    const def = extras.definition as QueryDef;
    const payload = parseJson(msg.data);
    const parsed = payload.ok ? def.payload.safeParse(payload.value) : undefined;
    if (!parsed?.success) return void respond(refuse('VALIDATION_FAILED', payload.ok ? parsed!.error.message : payload.reason));
    const parent = extractTraceContext(headerGetter(msg.headers));
    await inSpan(`${this.options.service} ${msg.subject}`, parent, { 'messaging.destination': msg.subject }, SpanKind.SERVER, async () => {
      try {
        const envelope = readEnvelope(msg.headers);
        const ctx = new JetStreamContext([msg.subject, envelope.success ? envelope.data : { msgId: 'query', correlationId: 'query', version: 1 }, 1]);
        const reply = def.reply.parse(await this.invoke(handler, parsed.data, ctx));
        respond(reply);
      } catch (err) {
        this.logger.error(`query ${msg.subject} failed: ${(err as Error).message}`);
        // a read that throws is almost always a dependency away (a KV read timing out while
        // NATS restarts); reads change nothing, so the caller's answer is "retry shortly"
        respond(refuse('SERVICE_UNAVAILABLE', 'the query could not be answered now; retry shortly'));
      }
    });
  }

  private watchStatus(nc: NatsConnection): void {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this._status$.next('disconnected');
        else if (s.type === 'reconnecting') this._status$.next('reconnecting');
        else if (s.type === 'reconnect') {
          this._status$.next('connected');
          this.logger.log('reconnected to NATS');
        }
        for (const cb of this.listeners.get(s.type) ?? []) cb(s);
      }
    })().catch(() => undefined);
  }

  /** Stops pulling, lets in-flight handlers finish, then drains the connection. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.querySub?.unsubscribe();
    await this.messages?.close().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.consumeLoop?.catch(() => undefined);
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    this._status$.next('disconnected');
  }

  on(event: string, callback: Function): void {
    const list = this.listeners.get(event) ?? [];
    list.push(callback);
    this.listeners.set(event, list);
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamServer is not listening yet');
    return this.nc as T;
  }

  /** The connection, for health checks of the same process. */
  get connection(): NatsConnection | undefined {
    return this.nc;
  }
}

/** nats-server's max_payload when the server does not say. */
const DEFAULT_MAX_PAYLOAD = 1_048_576;
/**
 * Bytes kept free for a dead letter's headers: ours are bounded (six copied values of at
 * most 256 characters, a reason of at most 1000, the subject, a hash), well under this.
 */
export const DEAD_LETTER_HEADER_ROOM = 8_192;

/** Base delay of the redelivery backoff when JetStreamServerOptions.retryBaseMs is unset. */
export const DEFAULT_RETRY_BASE_MS = 200;

/** Delay before redelivering a command whose delivery number `attempt` failed: exponential, capped at 30 s. */
export function redeliveryDelayMs(attempt: number, baseMs = DEFAULT_RETRY_BASE_MS): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 30_000);
}

function stringField(payload: unknown, key: string): string | undefined {
  const v = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function parseJson(data: Uint8Array): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(data)) };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
}
