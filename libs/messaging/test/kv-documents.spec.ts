import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { sharedInfraUrls, uniqueName } from '@bitcraps/testing';
import { connectNats, KvDocuments, openBucket } from '../src';

const Counter = z.object({ n: z.number().int(), by: z.array(z.string()) });
type Counter = z.infer<typeof Counter>;
const add = (who: string) => (c: Counter | null) => ({ next: { n: (c?.n ?? 0) + 1, by: [...(c?.by ?? []), who] }, result: (c?.n ?? 0) + 1 });

/** KvDocuments on a real JetStream KV bucket: compare-and-set updates, with and without the cache. */
describe('KvDocuments', () => {
  const { natsUrl } = sharedInfraUrls();
  let nc: NatsConnection;
  let kv: KV;

  beforeAll(async () => {
    nc = await connectNats(natsUrl, 'kv-documents-spec');
  });
  beforeEach(async () => {
    kv = await openBucket(nc, uniqueName('kvdocs'));
  });
  afterEach(async () => {
    await kv.destroy();
  });
  afterAll(async () => {
    await nc.close();
  });

  const countingReads = (bucket: KV) => {
    let reads = 0;
    const get = bucket.get.bind(bucket);
    bucket.get = (...args: Parameters<KV['get']>) => {
      reads++;
      return get(...args);
    };
    return () => reads;
  };

  it('with a cache, an update after this process wrote the key skips the read', async () => {
    const docs = new KvDocuments(kv, Counter, { cacheBytes: 1 << 20 });
    const reads = countingReads(kv);
    expect(await docs.update('k', add('a'))).toBe(1);
    expect(reads()).toBe(1); // the key was unknown
    for (let i = 2; i <= 5; i++) expect(await docs.update('k', add('a'))).toBe(i);
    expect(reads()).toBe(1);
    expect((await docs.get('k'))!.value).toEqual({ n: 5, by: ['a', 'a', 'a', 'a', 'a'] });
  });

  it('another writer in between: the cached compare-and-set fails, the update decides again on a fresh read, nothing is lost', async () => {
    const cached = new KvDocuments(kv, Counter, { cacheBytes: 1 << 20 });
    const other = new KvDocuments(kv, Counter);
    await cached.update('k', add('cached'));
    await other.update('k', add('other'));
    await other.update('k', add('other'));
    expect(await cached.update('k', add('cached'))).toBe(4);
    expect((await other.get('k'))!.value).toEqual({ n: 4, by: ['cached', 'other', 'other', 'cached'] });
    // many at once from two processes' worth of documents: every increment lands once
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? cached : other).update('k', add(`w${i}`))));
    expect((await other.get('k'))!.value.n).toBe(24);
  });

  it('an answer that writes nothing is decided on a fresh read, not on the cache', async () => {
    const cached = new KvDocuments(kv, Counter, { cacheBytes: 1 << 20 });
    await cached.update('k', add('a'));
    await new KvDocuments(kv, Counter).update('k', add('b'));
    const seen = await cached.update('k', (c) => ({ result: c!.n }));
    expect(seen).toBe(2);
  });

  it('a decision that throws forgets the cached document', async () => {
    const cached = new KvDocuments(kv, Counter, { cacheBytes: 1 << 20 });
    const reads = countingReads(kv);
    await cached.update('k', add('a'));
    await expect(
      cached.update('k', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await cached.update('k', add('a'));
    expect(reads()).toBe(2);
  });

  it('keeps at most cacheBytes: the least recently written documents are read again', async () => {
    const size = JSON.stringify({ n: 1, by: ['a'] }).length;
    const cached = new KvDocuments(kv, Counter, { cacheBytes: size * 4 + 2 });
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) await cached.update(key, add('a'));
    const reads = countingReads(kv);
    await cached.update('k5', add('a')); // still cached
    expect(reads()).toBe(0);
    await cached.update('k1', add('a')); // evicted first
    expect(reads()).toBe(1);
  });

  it('cached() answers the document as last written, or nothing when it is not kept', async () => {
    const cached = new KvDocuments(kv, Counter, { cacheBytes: 1 << 20 });
    expect(cached.cached('k')).toBeUndefined();
    await cached.update('k', add('a'));
    expect(cached.cached('k')).toEqual({ n: 1, by: ['a'] });
    expect(new KvDocuments(kv, Counter).cached('k')).toBeUndefined();
  });

  it('runs beforeWrite before each write attempt with the answer decided, and reports each lost compare-and-set', async () => {
    const cached = new KvDocuments(kv, Counter, { cacheBytes: 1 << 20 });
    await cached.update('k', add('a'));
    await new KvDocuments(kv, Counter).update('k', add('b')); // the cached copy is stale now
    const before: number[] = [];
    let conflicts = 0;
    const n = await cached.update('k', add('c'), { beforeWrite: async (r) => void before.push(r), onConflict: () => conflicts++ });
    expect(n).toBe(3);
    expect(before).toEqual([2, 3]); // decided on the stale copy, then on the fresh read
    expect(conflicts).toBe(1);
    // a beforeWrite that fails writes nothing
    await expect(cached.update('k', add('d'), { beforeWrite: async () => Promise.reject(new Error('disk full')) })).rejects.toThrow('disk full');
    expect((await cached.get('k'))!.value.n).toBe(3);
  });

  it('without a cache, every update reads', async () => {
    const docs = new KvDocuments(kv, Counter);
    const reads = countingReads(kv);
    for (let i = 0; i < 3; i++) await docs.update('k', add('a'));
    expect(reads()).toBe(3);
  });
});
