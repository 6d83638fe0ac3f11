import { isDeepStrictEqual } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CreateGame, GetStats, STREAMS } from '@bitcraps/contracts';
import { connectNats, ensureStreams, JetStreamClientProxy, toNatsHeaders, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { CHECKPOINT_BUCKET, CHECKPOINT_KEY, CheckpointStore } from '../src/checkpoint-store';
import { newGeneration, pieceKey, splitCheckpoint } from '../src/domain/checkpoint';
import { emptyStats, fold, type StatsState } from '../src/domain/projection';
import { statsService } from '../src/stats.service';
import { foldEvents } from '../src/stats.projector';

/** A state with `n` open games folded from `from`, its position set to `lastSeq`. */
function withGames(n: number, lastSeq: number, from = 0): StatsState {
  let s = emptyStats();
  for (let i = from; i < from + n; i++) s = fold(s, { seq: i + 1, at: 1_000 + i, fact: { kind: 'game-created', gameId: `g_${i}` } });
  return { ...s, lastSeq };
}

describe('stats checkpoint in pieces on a real KV bucket', () => {
  let infra: Infrastructure;
  let nc: NatsConnection;
  const pieceKeys = async (store: CheckpointStore) => {
    const keys: string[] = [];
    for await (const k of await store.kv.keys('piece.>')) keys.push(k);
    return keys.sort();
  };
  // (listed once every writer is done: nothing is purged meanwhile)
  const headOf = async (store: CheckpointStore) => {
    const doc = await store.head();
    if (!doc || !('head' in doc)) throw new Error('no head');
    return doc.head;
  };
  /** Messages held by the bucket's stream: the head and the live pieces only (no delete markers). */
  const bucketMessages = async () => (await (await jetstreamManager(nc)).streams.info(`KV_${CHECKPOINT_BUCKET}`)).state.messages;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    nc = await connectNats(infra.natsUrl, 'stats-checkpoint-spec');
  });
  afterAll(async () => {
    await nc?.drain();
    await infra?.stop();
  });
  beforeEach(async () => {
    // each test on an empty bucket
    await (await jetstreamManager(nc)).streams.delete(`KV_${CHECKPOINT_BUCKET}`).catch(() => undefined);
  });

  it('checkpoints 30 000 open games, and a new stats service resumes them identical and goes on folding', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
    await jetstream(nc).publish('evt.player.something-else', '{}');
    const { last_seq } = (await jsm.streams.info(STREAMS.events.name)).state;
    const big = withGames(30_000, last_seq);
    const store = await CheckpointStore.open(nc);
    expect(await store.write(big)).toBe(true);

    // the whole would not fit in one message: several pieces, each under half the server's max_payload
    const head = await headOf(store);
    const maxPayload = nc.info!.max_payload;
    expect(head.bytes).toBeGreaterThan(maxPayload);
    expect(head.pieces).toBeGreaterThan(2);
    for (let n = 0; n < head.pieces; n++) expect((await store.kv.get(pieceKey(head.gen, n)))!.length).toBeLessThanOrEqual(maxPayload / 2);

    const other = await connectNats(infra.natsUrl, 'stats-checkpoint-spec-reader');
    try {
      const loaded = await (await CheckpointStore.open(other)).load();
      expect(loaded.error).toBeUndefined();
      expect(isDeepStrictEqual(loaded.state, big)).toBe(true);
    } finally {
      await other.drain();
    }

    // the service resumes the 30 000 games, folds a new one and checkpoints the lot
    const stats: ServiceApp = await createServiceApp(statsService, {
      ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', STATS_CHECKPOINT_MS: '50',
    });
    const client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'stats-checkpoint-spec-client' });
    try {
      const msgId = 'create-g_new';
      await jetstream(nc).publish(CreateGame.replySubject, JSON.stringify({ ok: true, game: { gameId: 'g_new' } }), {
        msgID: msgId, headers: toNatsHeaders({ msgId, correlationId: msgId, version: 1 }),
      });
      const figures = await waitFor(async () => {
        const r = await client.query(GetStats, {});
        return r.ok && r.stats.activeGames === 30_001 ? r.stats : null;
      }, { what: 'the resumed projection to fold g_new', timeoutMs: 30_000 });
      expect(figures).toMatchObject({ totalGames: 30_001, activeGames: 30_001, eventsFolded: last_seq + 1 });
      const after = await waitFor(async () => {
        const { state } = await store.load();
        return state && state.lastSeq === last_seq + 1 ? state : null;
      }, { what: 'the checkpoint after g_new', timeoutMs: 30_000 });
      const { g_new, ...resumed } = after.games;
      expect(g_new).toBeDefined();
      expect(isDeepStrictEqual(resumed, big.games)).toBe(true);
    } finally {
      await client.close();
      await stats.close();
    }
  });

  it('resumes the last complete checkpoint when a write stopped between its pieces and its head, and cleans those pieces later', async () => {
    const store = await CheckpointStore.open(nc, { maxPieceBytes: 4_096 });
    const complete = withGames(300, 300);
    await store.write(complete);
    // a writer that crashed after the pieces of a newer generation, before its head
    const crashed = newGeneration(400, 'crashed');
    const { pieces } = splitCheckpoint(withGames(400, 400), crashed, store.maxPieceBytes);
    for (const [n, p] of pieces.entries()) await store.kv.put(pieceKey(crashed, n), p);

    const loaded = await store.load();
    expect(isDeepStrictEqual(loaded.state, complete)).toBe(true);
    // past the head, it could be a write in flight: kept for now
    expect(await store.clean()).toEqual([]);
    expect((await pieceKeys(store)).filter((k) => k.includes('crashed'))).toHaveLength(pieces.length);

    // the first head at or past it purges it
    const later = withGames(401, 401);
    await store.write(later);
    const head = await headOf(store);
    expect(await pieceKeys(store)).toEqual(Array.from({ length: head.pieces }, (_, n) => pieceKey(head.gen, n)).sort());
    expect(isDeepStrictEqual((await store.load()).state, later)).toBe(true);
  });

  it('reports a head whose pieces are missing or altered; the service then folds from the first event and replaces it', async () => {
    const store = await CheckpointStore.open(nc, { maxPieceBytes: 4_096 });
    await store.write(withGames(200, 200));
    const head = await headOf(store);
    // one byte changed, the length kept
    const piece = Buffer.from((await store.kv.get(pieceKey(head.gen, 1)))!.value);
    piece[10] ^= 1;
    await store.kv.put(pieceKey(head.gen, 1), piece);
    expect(await store.load()).toEqual({ state: null, error: `the pieces of generation ${head.gen} do not match the head's hash`, broken: head.gen });
    await store.kv.purge(pieceKey(head.gen, 2));
    expect(await store.load()).toEqual({ state: null, error: `piece 2 of generation ${head.gen} is missing`, broken: head.gen });

    // the service does not resume the 200 games of that head: it folds EVT from the first event
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
    await jetstream(nc).publish('evt.player.something-else', '{}');
    const { last_seq } = (await jsm.streams.info(STREAMS.events.name)).state;
    const replayed = await foldEvents(nc, emptyStats(), { untilSeq: last_seq });
    const stats = await createServiceApp(statsService, {
      ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'error', STATS_CHECKPOINT_MS: '50',
    });
    const client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'stats-checkpoint-spec-client' });
    try {
      const figures = await waitFor(async () => {
        const r = await client.query(GetStats, {});
        return r.ok && r.stats.eventsFolded === last_seq ? r.stats : null;
      }, { what: 'the projection folded from the first event' });
      expect(figures.totalGames).toBe(replayed.totalGames);
      expect(figures.totalGames).not.toBe(200);
      // and its next checkpoint replaces the broken head
      await waitFor(async () => (await store.load()).state?.lastSeq === last_seq, { what: 'a readable checkpoint again' });
    } finally {
      await client.close();
      await stats.close();
    }
    // a malformed head changes nothing and is reported
    await store.kv.put(CHECKPOINT_KEY, JSON.stringify({ head: { gen: 'no' } }));
    expect((await store.load()).error).toMatch(/^the checkpoint head is malformed/);
    // and the next write replaces it, whatever position it claims
    expect(await store.write(withGames(1, 1))).toBe(true);
    expect((await store.load()).state?.lastSeq).toBe(1);
  });

  it('two writers at once end with one consistent checkpoint, the furthest, and only its pieces', async () => {
    const second = await connectNats(infra.natsUrl, 'stats-checkpoint-spec-second');
    try {
      const [a, b] = await Promise.all([CheckpointStore.open(nc, { maxPieceBytes: 4_096 }), CheckpointStore.open(second, { maxPieceBytes: 4_096 })]);
      const states = Array.from({ length: 12 }, (_, i) => withGames(100 + i * 10, 100 + i * 10));
      // a writes the even positions, b the odd ones, both as fast as they can
      const run = (store: CheckpointStore, parity: number) => (async () => {
        for (const s of states.filter((_, i) => i % 2 === parity)) await store.write(s);
      })();
      await Promise.all([run(a, 0), run(b, 1), run(b, 0), run(a, 1)]);

      const furthest = states.at(-1)!;
      for (const reader of [a, b]) expect(isDeepStrictEqual((await reader.load()).state, furthest)).toBe(true);
      const head = await headOf(a);
      expect(head.lastSeq).toBe(furthest.lastSeq);
      expect(await pieceKeys(a)).toEqual(Array.from({ length: head.pieces }, (_, n) => pieceKey(head.gen, n)).sort());
      expect(await bucketMessages()).toBe(head.pieces + 1);
    } finally {
      await second.drain();
    }
  });

  it('purges the previous generation after each write, and replaces a single-value checkpoint', async () => {
    const store = await CheckpointStore.open(nc, { maxPieceBytes: 4_096 });
    // the single-value format of before: resumed when of this version, replaced by the next write
    const old = withGames(50, 50);
    await store.kv.put(CHECKPOINT_KEY, JSON.stringify({ state: old }));
    expect(isDeepStrictEqual((await store.load()).state, old)).toBe(true);

    for (const n of [60, 70, 80]) await store.write(withGames(n, n));
    const head = await headOf(store);
    expect(head.lastSeq).toBe(80);
    expect(await pieceKeys(store)).toEqual(Array.from({ length: head.pieces }, (_, n) => pieceKey(head.gen, n)).sort());
    expect(await bucketMessages()).toBe(head.pieces + 1);
    // one behind is refused and leaves nothing behind
    expect(await store.write(withGames(70, 70))).toBe(false);
    expect(await bucketMessages()).toBe(head.pieces + 1);
    // a forced write (a rebuild with the service stopped) may move it back, and purges what it replaced
    expect(await store.write(withGames(75, 75), { force: true })).toBe(true);
    const forced = await headOf(store);
    expect(forced.lastSeq).toBe(75);
    expect(await pieceKeys(store)).toEqual(Array.from({ length: forced.pieces }, (_, n) => pieceKey(forced.gen, n)).sort());
  });
});
