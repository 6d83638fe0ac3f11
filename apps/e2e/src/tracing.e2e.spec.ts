import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddParticipant, CreditStack, DebitWallet, SeatPlayer, StartJoin } from '@bitcraps/contracts';
import { waitFor } from '@bitcraps/messaging';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { gatewayApi } from './e2e.helpers';

/** A span as the OTLP/HTTP JSON encoding carries it (ids in hex). */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP receiver on a free port: keeps the spans of every JSON `POST /v1/traces`. */
async function startOtlpReceiver(): Promise<{ endpoint: string; spans: ReceivedSpan[]; requests: () => number; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      requests += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = (rs.resource?.attributes ?? []).find((a: any) => a.key === 'service.name')?.value?.stringValue;
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              attributes: Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, Object.values(a.value ?? {})[0]])),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests: () => requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * One trace per request, with real processes: the seven services run as child processes
 * exporting OTLP/HTTP to a receiver in this test. One join through the gateway gives one
 * trace whose spans come from every service and form one tree rooted at the gateway's
 * request span: the gateway starts it, the orchestrator's saga steps stay in it, and the
 * stats projection folds the join's events in spans of that trace too.
 */
describe('tracing end to end', () => {
  let infra: Infrastructure;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const processes: ServiceProcess[] = [];
  let base: string;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    receiver = await startOtlpReceiver();
    const env = {
      NATS_URL: infra.natsUrl,
      REDIS_URL: infra.redisUrl,
      LOG_LEVEL: 'warn',
      RATE_LIMITS: 'off',
      GATEWAY_PORT: '',
      REQUEST_TIMEOUT_MS: '30000',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    for (const app of ['player', 'lifecycle', 'treasury', 'consensus', 'orchestrator', 'stats', 'gateway']) processes.push(new ServiceProcess(app, await freePort(), env));
    await Promise.all(processes.map((p) => p.start(120_000)));
    base = processes.find((p) => p.app === 'gateway')!.baseUrl;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await receiver?.close();
    await infra?.stop();
  });

  const { call } = gatewayApi(() => base);

  it('a join is one trace across gateway, orchestrator, player, lifecycle, treasury, consensus and stats, one tree rooted at the request span', async () => {
    const p = (await call('POST', '/v1/players', { name: 'T', deposit: 1_000 })).body as { playerId: string; token: string };
    const gameId = (await call('POST', '/v1/games', {}, p.token)).body.gameId as string;
    const joined = await call('POST', `/v1/games/${gameId}/join`, { buyIn: 100 }, p.token);
    expect(joined).toMatchObject({ status: 200, body: { status: 'completed' } });
    const sagaId = joined.body.sagaId as string;

    const handler = (service: string, subject: string) => `${service} ${subject}`;
    const expectedHandlers = [
      handler('orchestrator', StartJoin.subject),
      handler('player', DebitWallet.subject),
      handler('lifecycle', SeatPlayer.subject),
      handler('treasury', CreditStack.subject),
      handler('consensus', AddParticipant.subject),
    ];
    // an EVT reader: stats folds the seat's reply event in a span below lifecycle's handler that published it
    const statsSpan = handler('stats', SeatPlayer.replySubject);
    const trace = await waitFor(() => {
      const root = receiver.spans.find((s) => s.name === 'gateway POST /v1/games/:gameId/join' && s.attributes['http.response.status_code'] === 200);
      if (!root) return null;
      const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
      return [...expectedHandlers, statsSpan].every((name) => spans.some((s) => s.name === name)) ? { root, spans } : null;
    }, { timeoutMs: 30_000, intervalMs: 100, what: `the join's spans at the receiver (got ${receiver.requests()} exports)` }).catch((err) => {
      throw new Error(`${(err as Error).message}\nspans received:\n${receiver.spans.map((s) => `  ${s.traceId.slice(0, 8)} ${s.service}: ${s.name}`).join('\n')}`);
    });

    // one trace, spans from every service of the join
    const services = new Set(trace.spans.map((s) => s.service));
    for (const service of ['gateway', 'orchestrator', 'player', 'lifecycle', 'treasury', 'consensus', 'stats']) expect(services).toContain(service);

    // one tree: the request span is the only root and every other parent is in the trace
    const ids = new Set(trace.spans.map((s) => s.spanId));
    const roots = trace.spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots.map((s) => s.spanId)).toEqual([trace.root.spanId]);
    expect(trace.root.parentSpanId).toBeUndefined();
    // and each step's handler hangs below the orchestrator's handler of the start command
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const ancestors = (s: ReceivedSpan) => {
      const out: string[] = [];
      for (let p = s.parentSpanId && byId.get(s.parentSpanId); p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) out.push(p.name);
      return out;
    };
    for (const name of expectedHandlers.slice(1)) {
      const span = trace.spans.find((s) => s.name === name)!;
      expect(ancestors(span)).toEqual(expect.arrayContaining([handler('orchestrator', StartJoin.subject), trace.root.name]));
      // a saga step's correlation id is its saga; the game where the payload names it
      expect(span.attributes).toMatchObject({ 'bitcraps.correlation_id': sagaId, 'bitcraps.saga_id': sagaId });
      if (name !== handler('player', DebitWallet.subject)) expect(span.attributes).toMatchObject({ 'bitcraps.game_id': gameId });
    }
    // the start command's payload carries the saga id itself
    expect(trace.spans.find((s) => s.name === expectedHandlers[0])!.attributes).toMatchObject({ 'bitcraps.saga_id': sagaId, 'bitcraps.game_id': gameId });
    const folded = trace.spans.find((s) => s.name === statsSpan)!;
    expect(byId.get(folded.parentSpanId!)?.name).toBe(handler('lifecycle', SeatPlayer.subject));
    expect(folded.attributes).toMatchObject({ 'messaging.destination': SeatPlayer.replySubject, 'bitcraps.saga_id': sagaId });
  }, 120_000);
});
