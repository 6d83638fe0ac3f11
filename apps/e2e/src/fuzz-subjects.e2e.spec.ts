import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import * as contracts from '@bitcraps/contracts';
import { GetGame, GetRoundStatus, GetStats, GetTreasuryAudit, GetWalletTotals, ListSagas, SERVICES, type CommandDef, type QueryDef } from '@bitcraps/contracts';
import { connectNats, JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { encodeText, failsSchema, hostileBody, hostileEnvelope, Infrastructure, MAX_PAYLOAD, nearSchema, rawBytes, rawJsonValue } from '@bitcraps/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { consensusService } from '../../consensus/src/consensus.service';
import { statsService } from '../../stats/src/stats.service';

/**
 * Hostile messages straight onto every real command and query subject, with the whole
 * stack in-process against a private NATS and Redis (DESIGN.md section 12; issue 9).
 * The subjects are every command and query definition @bitcraps/contracts exports, so a
 * new contract is fuzzed without touching this file. Every body sent fails its
 * contract's schema (a valid command on an internal subject may legitimately change
 * state). Every command the stream accepted must be dead-lettered on `dlq.<subject>`
 * with a reason and never answered (so must a command on a verb no contract defines); every query is refused or unanswered; afterwards
 * every service still serves, no service died, the books, games, players, sagas, KV
 * buckets and the ledger are exactly as before, and no prototype is polluted.
 */
const ADMIN = 'admin-token-for-the-fuzz-subjects-0123456789';
/** Batches per command subject and requests per query subject: ~50 subjects, bounded so the file stays well under 90 s. */
const COMMAND_RUNS = 8;
const QUERY_RUNS = 20;

type Definition = CommandDef | QueryDef;
const isDefinition = (v: unknown): v is Definition =>
  typeof v === 'object' && v !== null && ((v as Definition).kind === 'command' || (v as Definition).kind === 'query') && typeof (v as Definition).subject === 'string';
const definitions = (Object.values(contracts) as unknown[])
  .filter(isDefinition)
  .sort((a, b) => a.subject.localeCompare(b.subject));
const commands = definitions.filter((d): d is CommandDef => d.kind === 'command');
const queries = definitions.filter((d): d is QueryDef => d.kind === 'query');
const commandServices = [...new Set(commands.map((d) => d.service))].sort();

/** The top-level keys of a payload schema (where the hostile bodies put their strings and prototype keys). */
const fieldsOf = (def: Definition): string[] => Object.keys((def.payload as unknown as { shape?: Record<string, unknown> }).shape ?? {});

interface Hostile {
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** A body at the broker's limit (just under: it reaches the service; just over: the broker refuses it). */
const atTheLimit = (def: Definition) =>
  fc.integer({ min: MAX_PAYLOAD - 3_000, max: MAX_PAYLOAD + 500 }).map((n) => encodeText(JSON.stringify({ [fieldsOf(def)[0] ?? 'x']: 'x'.repeat(n) })));

/** Hostile messages for one definition, every one failing its payload schema. */
const hostileFor = (def: Definition): fc.Arbitrary<Hostile> =>
  fc
    .record({
      headers: hostileEnvelope('CMD'),
      body: fc.oneof(
        { weight: 12, arbitrary: hostileBody(nearSchema(def.payload), fieldsOf(def)) },
        { weight: 2, arbitrary: rawBytes },
        { weight: 1, arbitrary: atTheLimit(def) },
      ),
    })
    .filter((h) => failsSchema(def.payload, h.body));

/** What happened on one subject, printed when a test fails. */
interface Counts {
  generated: number;
  refusedByBroker: number;
  accepted: number;
  deadLettered: number;
  answered: number;
  refusals: Record<string, number>;
  unanswered: number;
}

describe('hostile messages on every real command and query subject', () => {
  let infra: Infrastructure;
  const services = new Map<string, ServiceApp>();
  let base: string;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let bus: JetStreamClientProxy;
  let games: KV;
  let gameId = '';
  const watchers: ConsumerMessages[] = [];
  const watcherErrors: string[] = [];
  /** Dead letters by their id (`dlq:<subject>:<seq>`): reason and subject. */
  const deadLetters = new Map<string, { reason: string; subject: string }>();
  /** Ids of every message on EVT: a reply to a hostile command would be `reply:<its msg id>`. */
  const evtIds = new Set<string>();
  /** The last EVT sequence the watcher has read. */
  let evtRead = 0;
  /** Msg ids of the hostile commands the stream accepted, checked against EVT at the end. */
  const hostileMsgIds: string[] = [];
  const counts = new Map<string, Counts>();
  const prototypeNames = () => ({ object: Object.getOwnPropertyNames(Object.prototype).sort(), array: Object.getOwnPropertyNames(Array.prototype).sort() });
  const pristine = prototypeNames();

  const countsOf = (subject: string) => {
    let c = counts.get(subject);
    if (!c) counts.set(subject, (c = { generated: 0, refusedByBroker: 0, accepted: 0, deadLettered: 0, answered: 0, refusals: {}, unanswered: 0 }));
    return c;
  };
  /** Per-subject counts go to the output only when the test fails. */
  const reportOnFailure = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      console.log(`per-subject counts:\n${[...counts].map(([s, c]) => `${s} ${JSON.stringify(c)}`).join('\n')}`);
      throw err;
    }
  };

  const call = async (method: string, path: string, init: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const res = await fetch(base + path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };

  /** A new player joins a new game through the gateway: a valid command for every command consumer (player, lifecycle, orchestrator, treasury, consensus). */
  const playThroughEveryService = async (name: string) => {
    const player = await call('POST', '/v1/players', { body: { name, deposit: 100 } });
    expect(player.status).toBe(201);
    const game = await call('POST', '/v1/games', { token: player.json.token, body: {} });
    expect(game.status).toBe(201);
    const join = await call('POST', `/v1/games/${game.json.gameId}/join`, { token: player.json.token, body: { buyIn: 50 } });
    expect({ status: join.status, body: join.json }).toMatchObject({ status: 200 });
    return game.json.gameId as string;
  };

  /** A valid query to each service is answered in its reply's shape (and not INTERNAL_ERROR). */
  const pings: Record<string, () => Promise<unknown>> = {
    player: () => bus.query(GetWalletTotals, {}),
    lifecycle: () => bus.query(GetGame, { gameId }),
    treasury: () => bus.query(GetTreasuryAudit, {}),
    consensus: () => bus.query(GetRoundStatus, { gameId }),
    orchestrator: () => bus.query(ListSagas, { unfinishedOnly: true }),
    stats: () => bus.query(GetStats, {}),
  };
  const stillAnswers = async (service: string) => {
    const reply = (await pings[service]!()) as { ok: boolean; code?: string };
    expect({ service, answered: typeof reply.ok === 'boolean', internal: reply.code === 'INTERNAL_ERROR' || reply.code === 'SERVICE_UNAVAILABLE' }).toEqual({ service, answered: true, internal: false });
  };

  /** Every service process is up and ready (NATS and Redis reachable). */
  const everyServiceUp = async () => {
    for (const [name, s] of services) expect({ name, status: (await fetch(`${s.url}/health/ready`, { signal: AbortSignal.timeout(10_000) })).status }).toEqual({ name, status: 200 });
  };

  /** Last sequences of the KV buckets of the command services and of the ledger: any write moves one. */
  const streamSequences = async () => {
    const seqs: Record<string, number> = {};
    for await (const s of jsm.streams.list()) {
      const name = s.config.name;
      // stats folds EVT on its own schedule and the DLQ grows with every hostile message; neither is state a command owns
      if ((name.startsWith('KV_') && !name.includes('stats')) || name === 'LEDGER') seqs[name] = s.state.last_seq;
    }
    return seqs;
  };
  const gameCount = async () => {
    let n = 0;
    for await (const k of await games.keys()) if (k.startsWith('g_')) n++;
    return n;
  };
  /**
   * What no hostile message may change, taken at quiescence: no saga in flight, the books
   * balanced, and two reads in a row alike (what a finished flow triggers has landed).
   */
  const snapshot = async () => {
    let previous: unknown = null;
    return waitFor(
      async () => {
        const audit = (await call('GET', '/v1/audit', { token: ADMIN })).json;
        if (!audit?.balanced || audit.inFlight !== 0 || audit.unfinishedSagas !== 0) return null;
        const totals = await bus.query(GetWalletTotals, {});
        const sagas = await bus.query(ListSagas, { unfinishedOnly: false });
        const now = { audit, players: totals.ok ? totals.players : 'unanswered', sagas: sagas.ok ? sagas.sagas.length : 'unanswered', games: await gameCount(), streams: await streamSequences() };
        const stable = isDeepStrictEqual(now, previous);
        previous = now;
        return stable ? now : null;
      },
      { timeoutMs: 20_000, what: 'a quiet, balanced stack' },
    );
  };

  const noPollution = () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeNames()).toEqual(pristine);
  };

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const env = {
      ...process.env,
      NATS_URL: infra.natsUrl,
      REDIS_URL: infra.redisUrl,
      HTTP_PORT: '0',
      GATEWAY_PORT: '',
      LOG_LEVEL: 'error',
      REQUEST_TIMEOUT_MS: '15000',
      HOUSE_BANKROLL: '1000000',
      RATE_LIMITS: 'off',
      ADMIN_TOKEN: ADMIN,
    };
    for (const [name, def] of [['player', playerService], ['lifecycle', lifecycleService], ['treasury', treasuryService], ['consensus', consensusService], ['orchestrator', orchestratorService], ['stats', statsService], ['gateway', gatewayService]] as const) {
      services.set(name, await createServiceApp(def as never, env));
    }
    base = services.get('gateway')!.url;
    nc = await connectNats(infra.natsUrl, 'fuzz-subjects-e2e');
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    bus = new JetStreamClientProxy({ url: infra.natsUrl, name: 'fuzz-subjects-e2e-bus', timeoutMs: 10_000 });
    games = await new Kvm(nc).open('games');
    // read what the streams stored (a core subscriber would also see a publish JetStream refused)
    const watch = async (stream: string, subject: string, onMessage: (id: string, m: JsMsg) => void) => {
      const messages = await (await js.consumers.get(stream, { filter_subjects: subject })).consume();
      watchers.push(messages);
      void (async () => {
        for await (const m of messages) onMessage(m.headers?.get('Nats-Msg-Id') ?? '', m);
      })().catch((err) => watcherErrors.push(`${stream}: ${(err as Error).message}`));
    };
    await watch('DLQ', 'dlq.cmd.>', (id, m) => deadLetters.set(id, { reason: m.headers?.get('dlq-reason') ?? '', subject: m.headers?.get('dlq-subject') ?? '' }));
    await watch('EVT', 'evt.>', (id, m) => {
      evtIds.add(id);
      evtRead = m.seq;
    });
    gameId = await playThroughEveryService('setup');
  }, 120_000);

  afterAll(async () => {
    for (const w of watchers) await w.close().catch(() => undefined);
    await bus?.close();
    await nc?.close();
    for (const s of [...services.values()].reverse()) await s.close();
    await infra?.stop();
    expect(watcherErrors).toEqual([]);
  });

  it('finds every command and query contract, for every service', () => {
    // a new contract in libs/contracts is exported through the index and so fuzzed below
    expect(commands.length).toBeGreaterThanOrEqual(30);
    expect(queries.length).toBeGreaterThanOrEqual(10);
    expect(commandServices).toEqual(['consensus', 'lifecycle', 'orchestrator', 'player', 'treasury']);
    // every service but the gateway (which owns no subject) serves queries
    expect([...new Set(queries.map((d) => d.service))].sort()).toEqual(SERVICES.filter((s) => s !== 'gateway').sort());
    for (const d of definitions) expect(d.subject.startsWith(`${d.kind === 'command' ? 'cmd' : 'qry'}.${d.service}.`)).toBe(true);
    expect(new Set(definitions.map((d) => d.subject)).size).toBe(definitions.length);
    // the stack the file starts runs every service that owns a subject
    expect([...services.keys()].sort()).toEqual([...SERVICES].sort());
  });

  /** Publishes one hostile command to the CMD stream: what it accepted, or null when the broker refused it. */
  const publish = async (subject: string, h: Hostile) => {
    const c = countsOf(subject);
    c.generated++;
    const hdrs = natsHeaders();
    for (const [k, v] of h.headers) hdrs.append(k, v);
    try {
      const ack = await js.publish(subject, h.body, { headers: hdrs });
      if (ack.duplicate) return null;
      c.accepted++;
      return { subject, seq: ack.seq, msgId: hdrs.get('Nats-Msg-Id') };
    } catch {
      // too large, or a header the broker rejects: it never reached the service
      c.refusedByBroker++;
      return null;
    }
  };

  /** Publishes a batch to one subject; each message the stream accepted is dead-lettered there with a reason matching `reason`, and never answered. */
  const deadLettersAll = async (subject: string, batch: Hostile[], reason: RegExp) => {
    const sent = (await Promise.all(batch.map((h) => publish(subject, h)))).filter((s): s is NonNullable<typeof s> => s !== null);
    const key = (s: (typeof sent)[number]) => `dlq:${s.subject}:${s.seq}`;
    await waitFor(() => sent.every((s) => deadLetters.has(key(s))), {
      timeoutMs: 20_000,
      what: `dead letters of ${subject} (missing seqs ${sent.filter((s) => !deadLetters.has(key(s))).map((s) => s.seq)})`,
    });
    for (const s of sent) {
      const letter = deadLetters.get(key(s))!;
      countsOf(subject).deadLettered++;
      expect({ subject: letter.subject, reason: letter.reason }).toEqual({ subject, reason: expect.stringMatching(reason) });
      if (s.msgId) hostileMsgIds.push(s.msgId);
      expect(evtIds.has(`reply:${s.msgId}`)).toBe(false);
    }
    noPollution();
  };

  describe.each(commandServices)('cmd.%s.*', (service) => {
    const group = commands.filter((d) => d.service === service);

    it(`dead-letters every hostile command with a reason and answers none (${group.length} subjects), and the stack keeps serving and stays unchanged`, async () => {
      await reportOnFailure(async () => {
        const before = await snapshot();
        for (const def of group) {
          await fc.assert(
            fc.asyncProperty(fc.array(hostileFor(def), { minLength: 1, maxLength: 4 }), (batch) => deadLettersAll(def.subject, batch, /^(bad envelope|schema): ./)),
            { numRuns: COMMAND_RUNS },
          );
        }
        // a verb no contract defines, on the service's own consumer: dead-lettered too
        const verbs = new Set(group.map((d) => d.subject.slice(`cmd.${service}.`.length)));
        const unknownVerb = fc
          .oneof(fc.constantFrom('nope', '_', 'Create-Game', `${[...verbs][0]}.extra`, `${[...verbs][0]}-v2`), fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/))
          .filter((v) => !verbs.has(v));
        const anyBody = fc.oneof(hostileBody(rawJsonValue, ['x']), rawBytes);
        await fc.assert(
          fc.asyncProperty(unknownVerb, fc.array(fc.record({ headers: hostileEnvelope('CMD'), body: anyBody }), { minLength: 1, maxLength: 3 }), (verb, batch) =>
            deadLettersAll(`cmd.${service}.${verb}`, batch, /^(bad envelope|no handler for cmd\.)/),
          ),
          { numRuns: COMMAND_RUNS },
        );
        await stillAnswers(service);
        await everyServiceUp();
        expect(await snapshot()).toEqual(before);
        // a valid command for every consumer is still handled (and changes what it should)
        await playThroughEveryService(`alive-${service}`);
        noPollution();
      });
    }, 90_000);
  });

  it(`refuses every hostile query or leaves it unanswered (${queries.length} subjects), every responder keeps answering, nothing changes`, async () => {
    await reportOnFailure(async () => {
      const before = await snapshot();
      for (const def of queries) {
        const c = countsOf(def.subject);
        await fc.assert(
          fc.asyncProperty(hostileFor(def), async (h) => {
            c.generated++;
            const hdrs = natsHeaders();
            for (const [k, v] of h.headers) hdrs.append(k, v);
            let text: string;
            try {
              text = (await nc.request(def.subject, h.body, { timeout: 5_000, headers: hdrs })).string();
            } catch (err) {
              // too large for the broker, or no answer: allowed, as long as the responder still answers below
              if (/max_payload/.test((err as Error).message)) c.refusedByBroker++;
              else c.unanswered++;
              return;
            }
            c.answered++;
            const reply = JSON.parse(text) as { ok: boolean; code?: string };
            c.refusals[reply.code ?? 'ok'] = (c.refusals[reply.code ?? 'ok'] ?? 0) + 1;
            expect({ subject: def.subject, ok: reply.ok, code: typeof reply.code }).toEqual({ subject: def.subject, ok: false, code: 'string' });
            noPollution();
          }),
          { numRuns: QUERY_RUNS },
        );
        await stillAnswers(def.service);
      }
      await everyServiceUp();
      expect(await snapshot()).toEqual(before);
    });
  }, 90_000);

  it('answered none of the hostile commands, even late, and the books balance', async () => {
    await reportOnFailure(async () => {
      expect(hostileMsgIds.length).toBeGreaterThan(commands.length);
      // a late reply would be on EVT by now: read it all
      const last = (await jsm.streams.info('EVT')).state.last_seq;
      await waitFor(() => evtRead >= last, { timeoutMs: 20_000, what: `EVT read up to ${last}` });
      expect(hostileMsgIds.filter((id) => evtIds.has(`reply:${id}`))).toEqual([]);
      expect((await snapshot()).audit).toMatchObject({ balanced: true, inFlight: 0 });
      noPollution();
    });
  }, 60_000);
});
