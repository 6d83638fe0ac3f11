import { jetstreamManager, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { millis } from '@nats-io/transport-node';
import { STREAMS } from '@bitcraps/contracts';
import { connectNats, DEFAULT_CONSUMER_SETTINGS, DUPLICATE_WINDOW_MS, redeliveryDelayMs, type ConsumerSettings } from '@bitcraps/messaging';

/** Replicas a stream or bucket that holds money needs in production (survives one node lost, quorum of 2). */
export const MIN_PRODUCTION_REPLICAS = 3;

/** What a money-owning service keeps besides CMD and EVT: streams and KV buckets of its own. */
export interface DurabilityNeeds {
  streams?: string[];
  buckets?: string[];
}

/** One stream (a KV bucket is stream `KV_<bucket>`) as found on the server, or as it would be created. */
export interface StoreFacts {
  kind: 'stream' | 'bucket';
  name: string;
  replicas: number;
  /** De-duplication window; only the command and event streams are checked for it. */
  duplicateWindowMs?: number;
  /** True when it does not exist yet and these are the settings it would be created with. */
  planned: boolean;
}

/**
 * The longest window in which a message with the same `Nats-Msg-Id` can be published
 * again, which the de-duplication window of CMD and EVT must cover.
 *
 * A handler's outputs carry ids derived from the command (`reply:<msgId>`, events,
 * commands it sends), so each redelivery of a command publishes them again. A delivery
 * that crashes or hangs is redelivered after `ackWait`; one that fails is nak'ed and
 * redelivered after the backoff delay (as the JetStream server computes it). Delivery
 * k+1 thus starts at most `ackWait + delay(k)` after delivery k, and the last one may
 * publish until its own `ackWait` runs out:
 *
 *   maxDeliver × ackWait + Σ delay(k) for k < maxDeliver
 *
 * Saga steps add nothing: each attempt, including the one re-sent after the
 * orchestrator crashed, goes out under a new msgId (`<sagaId>:<step>:do:<attempt>`,
 * saga executor), and the handler recognises it by its operation id, not by the stream.
 */
export function retryWindowMs(settings: Pick<ConsumerSettings, 'maxDeliver' | 'ackWaitMs'> = DEFAULT_CONSUMER_SETTINGS, retryBaseMs?: number): number {
  let total = settings.maxDeliver * settings.ackWaitMs;
  for (let attempt = 1; attempt < settings.maxDeliver; attempt++) total += redeliveryDelayMs(attempt, retryBaseMs);
  return total;
}

/**
 * The pure decision: every problem that forbids a production start, one sentence each
 * naming the stream or bucket and the number. Empty = durable enough.
 */
export function durabilityProblems(stores: StoreFacts[], retryMs: number, minReplicas = MIN_PRODUCTION_REPLICAS): string[] {
  const problems: string[] = [];
  for (const s of stores) {
    const what = `${s.kind} ${s.name}`;
    const state = s.planned ? 'would be created with' : 'has';
    if (s.replicas < minReplicas) problems.push(`${what} ${state} ${s.replicas} replica${s.replicas === 1 ? '' : 's'}, fewer than ${minReplicas} (set STREAM_REPLICAS=${minReplicas}${s.planned ? '' : ' and raise the existing one'})`);
    if (s.duplicateWindowMs !== undefined && s.duplicateWindowMs < retryMs)
      problems.push(
        `${what} ${state} a de-duplication window of ${s.duplicateWindowMs} ms, shorter than the ${retryMs} ms in which a redelivered command may publish again` +
          (s.planned ? '' : ` (raise it: nats stream edit ${s.name} --dupe-window ${Math.ceil(retryMs / 60_000)}m)`),
      );
  }
  return problems;
}

/** A production start refused: the message lists what is not durable enough. */
export class DurabilityError extends Error {
  constructor(readonly service: string, readonly problems: string[]) {
    super(`${service}: refusing to start in production, its money would not be durable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DurabilityError';
  }
}

function isMissing(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === 10059 || err.code === 10014);
}

/** Reads the replicas and de-duplication window of each stream the service writes, or what it would create. */
export async function readStoreFacts(jsm: JetStreamManager, needs: DurabilityNeeds, plannedReplicas: number): Promise<StoreFacts[]> {
  const wanted: Array<{ kind: StoreFacts['kind']; name: string; stream: string; dedup: boolean }> = [
    { kind: 'stream', name: STREAMS.commands.name, stream: STREAMS.commands.name, dedup: true },
    { kind: 'stream', name: STREAMS.events.name, stream: STREAMS.events.name, dedup: true },
    ...(needs.streams ?? []).map((name) => ({ kind: 'stream' as const, name, stream: name, dedup: false })),
    ...(needs.buckets ?? []).map((name) => ({ kind: 'bucket' as const, name, stream: `KV_${name}`, dedup: false })),
  ];
  const facts: StoreFacts[] = [];
  for (const w of wanted) {
    try {
      const { config } = await jsm.streams.info(w.stream);
      facts.push({ kind: w.kind, name: w.name, replicas: config.num_replicas, planned: false, ...(w.dedup ? { duplicateWindowMs: millis(config.duplicate_window) } : {}) });
    } catch (err) {
      if (!isMissing(err)) throw err;
      facts.push({ kind: w.kind, name: w.name, replicas: plannedReplicas, planned: true, ...(w.dedup ? { duplicateWindowMs: DUPLICATE_WINDOW_MS } : {}) });
    }
  }
  return facts;
}

/**
 * The durability self-check of a money-owning service at a production start, before it
 * creates or touches anything: CMD, EVT and its own streams and buckets must have at
 * least 3 replicas, and CMD and EVT must drop re-sends for as long as a redelivered
 * command may publish again (retryWindowMs, from the consumer settings the service runs
 * with). Throws DurabilityError naming what is wrong.
 */
export async function assertDurable(opts: { service: string; natsUrl: string; needs: DurabilityNeeds; plannedReplicas: number; consumer?: ConsumerSettings; retryBaseMs?: number }): Promise<void> {
  const nc = await connectNats(opts.natsUrl, `${opts.service}-durability-check`);
  try {
    const facts = await readStoreFacts(await jetstreamManager(nc), opts.needs, opts.plannedReplicas);
    const problems = durabilityProblems(facts, retryWindowMs(opts.consumer, opts.retryBaseMs));
    if (problems.length > 0) throw new DurabilityError(opts.service, problems);
  } finally {
    await nc.close();
  }
}
