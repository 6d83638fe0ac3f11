import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { GetPlayer, GetPlayerActivity, LEDGER_STREAM, LedgerEntrySchema, parseLedgerAccount, STREAMS, type LedgerEntry } from '@bitcraps/contracts';
import { JetStreamClientProxy } from '@bitcraps/messaging';
import { inParallel } from '../bench/harness/stack';
import type { HttpClient } from '../bench/harness/http';
import type { Answer, FinalState, SagaLookup, StoredSaga } from './observations';

/** Commands and events still waiting for a consumer: 0 everywhere once the stack is quiet. */
export async function pendingWork(natsUrl: string): Promise<{ total: number; detail: string[] }> {
  const nc = await connect({ servers: natsUrl, name: 'chaos-pending', timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const detail: string[] = [];
    let total = 0;
    for (const stream of [STREAMS.commands.name, STREAMS.events.name]) {
      for await (const ci of jsm.consumers.list(stream)) {
        const n = ci.num_pending + ci.num_ack_pending;
        // only durable consumers of the stack; ordered (ephemeral) readers do not count
        if (!ci.config.durable_name) continue;
        if (n > 0) detail.push(`${stream}/${ci.name}: ${ci.num_pending} pending, ${ci.num_ack_pending} unacknowledged`);
        total += n;
      }
    }
    return { total, detail };
  } finally {
    await nc.close();
  }
}

async function readSagas(nc: NatsConnection): Promise<StoredSaga[]> {
  const kv = await new Kvm(nc).open('sagas');
  const keys: string[] = [];
  for await (const k of await kv.keys()) keys.push(k);
  const out: StoredSaga[] = [];
  await inParallel(keys, 32, async (k) => {
    const e = await kv.get(k);
    if (!e || e.operation !== 'PUT' || e.length === 0) return;
    const s = e.json<StoredSaga>();
    out.push({ sagaId: s.sagaId, type: s.type, status: s.status, ctx: s.ctx ?? {}, steps: (s.steps ?? []).map((x) => ({ name: x.name, status: x.status, attempts: x.attempts })), ...(s.error ? { error: s.error } : {}) });
  });
  return out;
}

/** Every LEDGER entry from the first, in order (an ordered consumer up to the last sequence). */
export async function readLedger(nc: NatsConnection): Promise<{ entries: LedgerEntry[]; unreadable: number[] }> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(LEDGER_STREAM.name);
  const last = info.state.last_seq;
  const entries: LedgerEntry[] = [];
  const unreadable: number[] = [];
  if (last === 0) return { entries, unreadable };
  const consumer = await jetstream(nc).consumers.get(LEDGER_STREAM.name);
  const messages = await consumer.consume({ max_messages: 1_000 });
  for await (const m of messages) {
    const parsed = LedgerEntrySchema.safeParse((() => { try { return m.json(); } catch { return null; } })());
    if (parsed.success) entries.push(parsed.data);
    else unreadable.push(m.seq);
    if (m.seq >= last) break;
  }
  await messages.close().catch(() => undefined);
  return { entries, unreadable };
}

/**
 * Reads the final state: KV `sagas` and LEDGER directly from NATS (what the services
 * wrote), games and sagas through the gateway, players through the player service's
 * queries.
 */
export async function collectFinalState(natsUrl: string, api: HttpClient, answers: Answer[], tokens: Map<string, string>, knownGames: Iterable<string>): Promise<FinalState & { unreadableLedger: number[] }> {
  const nc = await connect({ servers: natsUrl, name: 'chaos-collect' });
  const bus = new JetStreamClientProxy({ url: natsUrl, name: 'chaos-collect-queries', timeoutMs: 10_000 });
  try {
    const [sagas, ledger] = await Promise.all([readSagas(nc), readLedger(nc)]);

    const gameIds = new Set<string>(knownGames);
    for (const s of sagas) if (typeof s.ctx.gameId === 'string') gameIds.add(s.ctx.gameId);
    for (const e of ledger.entries) {
      if (e.type !== 'transfer') continue;
      for (const acc of [e.from, e.to]) {
        const parsed = parseLedgerAccount(acc);
        if (parsed && 'gameId' in parsed) gameIds.add(parsed.gameId);
      }
    }
    const anyToken = tokens.values().next().value as string;
    const games: FinalState['games'] = {};
    await inParallel([...gameIds], 16, async (gameId) => {
      for (let i = 0; i < 5; i++) {
        const a = await api.get(`/v1/games/${gameId}`, { token: anyToken });
        if (a.status === 200) return void (games[gameId] = a.body);
        if (a.status === 404) return void (games[gameId] = null);
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`GET /v1/games/${gameId} kept failing`);
    });

    const playerIds = new Set<string>(tokens.keys());
    for (const s of sagas) if (typeof s.ctx.playerId === 'string') playerIds.add(s.ctx.playerId);
    const players: FinalState['players'] = {};
    await inParallel([...playerIds], 16, async (playerId) => {
      const [p, act] = await Promise.all([bus.query(GetPlayer, { playerId }), bus.query(GetPlayerActivity, { playerId })]);
      players[playerId] = p.ok && act.ok ? { balance: p.player.balance, history: act.history } : null;
    });

    const lookups: SagaLookup[] = [];
    const answered = answers.filter((a): a is Answer & { sagaId: string } => 'sagaId' in a && typeof a.sagaId === 'string');
    await inParallel(answered, 16, async (a) => {
      const token = tokens.get(a.playerId);
      const r = await api.get(`/v1/sagas/${a.sagaId}`, { token });
      lookups.push({ sagaId: a.sagaId, httpStatus: r.status, ...(r.status === 200 ? { view: r.body } : {}) });
    });

    return { sagas, lookups, ledger: ledger.entries, unreadableLedger: ledger.unreadable, games, players, audit: null };
  } finally {
    await bus.close();
    await nc.close();
  }
}
