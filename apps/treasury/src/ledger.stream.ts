import { DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { LEDGER_STREAM } from '@bitcraps/contracts';
import { DUPLICATE_WINDOW_MS } from '@bitcraps/messaging';

/**
 * Stream `LEDGER`: limits retention with no limit at all, and neither deletes nor
 * purges allowed. The books are the fold of this stream from its first message, so it
 * must never lose one.
 */
export function ledgerStreamConfig(replicas: number): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: LEDGER_STREAM.name,
    subjects: [...LEDGER_STREAM.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    deny_delete: true,
    deny_purge: true,
    num_replicas: replicas,
  };
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && (err.code === 10059 || err.code === 10014);
}

/** Creates LEDGER when missing; safe from every replica at every start (an existing stream is left as it is). */
export async function ensureLedgerStream(jsm: JetStreamManager, replicas = 1): Promise<void> {
  try {
    await jsm.streams.info(LEDGER_STREAM.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add(ledgerStreamConfig(replicas));
    } catch (addErr) {
      // another replica won the race: fine as long as the stream is there now
      await jsm.streams.info(LEDGER_STREAM.name).catch(() => {
        throw addErr;
      });
    }
  }
}
