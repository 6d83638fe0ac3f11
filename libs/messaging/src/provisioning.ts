import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { STREAMS, commandFilter } from '@bitcraps/contracts';

/**
 * Five minutes: a message re-sent within it with the same msgId is dropped by NATS. It
 * must cover a command's redeliveries, each of which publishes the handler's outputs
 * again (maxDeliver × ackWait + backoff = 153 s with the defaults; service-kit's
 * durability check refuses a production start of a money service when it does not).
 */
export const DUPLICATE_WINDOW_MS = 300_000;

export interface StreamLayout {
  replicas: number;
}

function streamConfigs({ replicas }: StreamLayout): Array<Partial<StreamConfig> & { name: string; subjects: string[] }> {
  return [
    {
      name: STREAMS.commands.name,
      subjects: [...STREAMS.commands.subjects],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    },
    {
      name: STREAMS.events.name,
      subjects: [...STREAMS.events.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    },
    {
      name: STREAMS.deadLetters.name,
      subjects: [...STREAMS.deadLetters.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(14 * 24 * 3_600_000),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    },
  ];
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === 10059 || err.code === 10014);
}

/**
 * Creates the CMD, EVT and DLQ streams when missing. Safe to run from every replica at
 * every start: an existing stream is left as it is (its data is never touched), and two
 * replicas racing to create it both end up with the one stream.
 */
export async function ensureStreams(jsm: JetStreamManager, layout: StreamLayout = { replicas: 1 }): Promise<void> {
  for (const cfg of streamConfigs(layout)) {
    try {
      await jsm.streams.info(cfg.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await jsm.streams.add(cfg);
      } catch (addErr) {
        // another replica won the race: fine as long as the stream is there now
        await jsm.streams.info(cfg.name).catch(() => {
          throw addErr;
        });
      }
    }
  }
}

export interface ConsumerSettings {
  /** Deliveries before a failing command is dead-lettered. */
  maxDeliver: number;
  /** How long a delivered command may stay unacknowledged before redelivery. */
  ackWaitMs: number;
  /** Commands a replica may hold at once (bounded concurrency). */
  maxAckPending: number;
}

export const DEFAULT_CONSUMER_SETTINGS: ConsumerSettings = { maxDeliver: 5, ackWaitMs: 30_000, maxAckPending: 256 };

/**
 * The one durable pull consumer of a service on `cmd.<service>.>`. Every replica binds
 * to the same durable, so each command goes to exactly one of them.
 */
export async function ensureServiceConsumer(
  jsm: JetStreamManager,
  service: string,
  settings: ConsumerSettings = DEFAULT_CONSUMER_SETTINGS,
): Promise<string> {
  const durable = service;
  const config = {
    durable_name: durable,
    filter_subject: commandFilter(service),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: settings.maxAckPending,
  };
  try {
    await jsm.consumers.info(STREAMS.commands.name, durable);
    await jsm.consumers.update(STREAMS.commands.name, durable, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.consumers.add(STREAMS.commands.name, config);
    } catch (addErr) {
      await jsm.consumers.info(STREAMS.commands.name, durable).catch(() => {
        throw addErr;
      });
    }
  }
  return durable;
}
