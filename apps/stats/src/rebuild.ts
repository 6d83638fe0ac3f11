import { isDeepStrictEqual } from 'node:util';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@bitcraps/messaging';
import { emptyStats, figures, type StatsState } from './domain/projection';
import { CheckpointStore } from './checkpoint-store';
import { foldEvents } from './stats.projector';

export interface RebuildResult {
  live: StatsState | null;
  rebuilt: StatsState;
  identical: boolean;
}

/**
 * Replays EVT from the first event up to the live checkpoint's position into a fresh
 * projection and compares the two. With `write`, the rebuilt projection replaces the
 * checkpoint (stop the stats service first).
 */
export async function rebuildStats(nc: NatsConnection, { write = false, onProgress }: { write?: boolean; onProgress?: (seq: number) => void } = {}): Promise<RebuildResult> {
  const checkpoints = await CheckpointStore.open(nc);
  const saved = await checkpoints.load();
  if (saved.error) console.warn(`stats:rebuild: the live checkpoint is unreadable (${saved.error})`);
  const live = saved.state;
  // a live checkpoint of another version is replayed up to its position and differs
  const untilSeq = live?.lastSeq ?? 0;
  let last = 0;
  const rebuilt = await foldEvents(nc, emptyStats(), {
    untilSeq,
    onEvent: (s) => {
      if (onProgress && s.lastSeq - last >= 10_000) onProgress((last = s.lastSeq));
    },
  });
  const identical = live !== null && isDeepStrictEqual(rebuilt, live);
  if (write) await checkpoints.write(rebuilt, { force: true });
  return { live, rebuilt, identical };
}

/** `npm run stats:rebuild [-- --write]`: prints both projections' figures and whether they agree. */
async function main(): Promise<void> {
  const url = process.env.NATS_URL || 'nats://127.0.0.1:4222';
  const write = process.argv.includes('--write');
  console.log(`stats:rebuild: replaying EVT from ${url}${write ? ' (will write the checkpoint)' : ''} …`);
  const nc = await connectNats(url, 'stats-rebuild');
  try {
    const { live, rebuilt, identical } = await rebuildStats(nc, { write, onProgress: (seq) => console.log(`  … folded up to sequence ${seq}`) });
    const a = live ? figures(live) : null;
    const b = figures(rebuilt);
    console.log('figure'.padEnd(22), 'live'.padStart(14), 'rebuilt'.padStart(14));
    for (const key of Object.keys(b) as Array<keyof typeof b>) {
      const show = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v).slice(0, 14) : String(v));
      console.log(String(key).padEnd(22), (a ? show(a[key]) : '-').padStart(14), show(b[key]).padStart(14));
    }
    if (!live) console.log('no live checkpoint yet: nothing to compare');
    else console.log(identical ? 'identical: the rebuild reproduces the live projection exactly' : 'MISMATCH: the rebuild differs from the live projection');
    process.exitCode = live && !identical ? 1 : 0;
  } finally {
    await nc.drain();
  }
}

if (require.main === module) void main();
