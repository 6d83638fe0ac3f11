import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { gatewayService } from '../src/gateway.service';

/**
 * POST /v1/admin/bankroll/fund on real infrastructure: a gateway (in this process) over
 * a private NATS and Redis, with the player, treasury and orchestrator services as child
 * processes so that GET /v1/audit answers with every term.
 */
const ADMIN_TOKEN = 'test-admin-token-bankroll-0123456789abcdef';

describe('POST /v1/admin/bankroll/fund', () => {
  let infra: Infrastructure;
  const children: ServiceProcess[] = [];
  let gateway: ServiceApp;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const urls = { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl };
    for (const name of ['player', 'treasury', 'orchestrator']) children.push(new ServiceProcess(name, await freePort(), urls));
    await Promise.all(children.map((c) => c.start()));
    // one proxy hop is believed, so a test can send from two addresses
    gateway = await createServiceApp(gatewayService, { ...process.env, ...urls, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'fatal', ADMIN_TOKEN, TRUST_PROXY_HOPS: '1', RATE_LIMITS: 'off' });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    for (const c of children) await c.kill('SIGTERM');
    await infra?.stop();
  });

  const fund = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${gateway.url}/v1/admin/bankroll/fund`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const audit = async () => {
    const res = await fetch(`${gateway.url}/v1/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { bankroll: number; bankrollAdditions: number; balanced: boolean };
  };

  it('adds to the bankroll once per Idempotency-Key, from any address, and the audit stays balanced', async () => {
    const before = await audit();
    expect(before.balanced).toBe(true);
    const key = { 'idempotency-key': 'fund-once-1' };
    const first = await fund({ amount: 5_000, reason: 'top-up' }, { ...key, 'x-forwarded-for': '10.0.0.1' });
    expect(first).toEqual({ status: 200, body: { opId: expect.stringMatching(/^admin:fund:/), amount: 5_000, bankroll: before.bankroll + 5_000 } });
    // the same key again: the stored answer; from another address (another record): the same operation, not a second one
    const again = await fund({ amount: 5_000, reason: 'top-up' }, { ...key, 'x-forwarded-for': '10.0.0.1' });
    const elsewhere = await fund({ amount: 5_000, reason: 'top-up' }, { ...key, 'x-forwarded-for': '10.0.0.2' });
    expect(again).toEqual(first);
    expect(elsewhere).toEqual(first);
    // the same key with another amount is refused, at the gateway or by the treasury
    expect((await fund({ amount: 6_000 }, { ...key, 'x-forwarded-for': '10.0.0.1' })).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await fund({ amount: 6_000 }, { ...key, 'x-forwarded-for': '10.0.0.3' })).body.error.code).toBe('CONFLICT');
    const after = await audit();
    expect(after).toMatchObject({ bankroll: before.bankroll + 5_000, bankrollAdditions: before.bankrollAdditions + 5_000, balanced: true });
  });

  it('without a key each request is its own operation', async () => {
    const before = await audit();
    const a = await fund({ amount: 7 });
    const b = await fund({ amount: 7 });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.opId).not.toBe(b.body.opId);
    expect(b.body.bankroll).toBe(before.bankroll + 14);
    expect(await audit()).toMatchObject({ bankroll: before.bankroll + 14, bankrollAdditions: before.bankrollAdditions + 14, balanced: true });
  });

  it('refuses a bad body with 400 and a caller without the admin token with 401/403, changing nothing', async () => {
    const before = await audit();
    for (const body of [{}, { amount: 0 }, { amount: -5 }, { amount: 1.5 }, { amount: '100' }, { amount: 2 ** 53 }, { amount: 10, reason: '' }, { amount: 10, extra: 1 }, []]) {
      const r = await fund(body);
      expect({ body, status: r.status, code: r.body.error?.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await fund({ amount: 10 }, { authorization: '' })).status).toBe(401);
    expect((await fund({ amount: 10 }, { authorization: 'Bearer not-the-admin-token' })).status).toBe(403);
    expect(await audit()).toEqual(before);
  });

  describe('the audit on the gateway /metrics', () => {
    const scrape = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const value = (name: string, term?: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && (term === undefined || l.includes(`term="${term}"`)));
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
      };
      return { value };
    };

    it('carries every term of GET /v1/audit, balanced and up, as of the scrape', async () => {
      await fund({ amount: 11 });
      const audit = (await (await fetch(`${gateway.url}/v1/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as Record<string, number | boolean>;
      const m = await scrape();
      for (const term of ['deposits', 'bankroll', 'initialBankroll', 'bankrollAdditions', 'wallets', 'stacks', 'escrow', 'inFlight']) {
        expect({ term, value: m.value('bitcraps_audit_chips', term) }).toEqual({ term, value: audit[term] });
      }
      expect(m.value('bitcraps_audit_balanced')).toBe(1);
      expect(m.value('bitcraps_audit_unfinished_sagas')).toBe(0);
      expect(m.value('bitcraps_audit_up')).toBe(1);
    });

    it('says it is down, and keeps answering /metrics, while a service behind the audit is away', async () => {
      const player = children[0]!;
      await player.kill('SIGKILL');
      try {
        const m = await scrape();
        expect(m.value('bitcraps_audit_up')).toBe(0);
        expect(m.value('bitcraps_audit_balanced')).toBe(1); // the last value read
      } finally {
        await player.start();
      }
      expect((await scrape()).value('bitcraps_audit_up')).toBe(1);
    }, 60_000);
  });
});
