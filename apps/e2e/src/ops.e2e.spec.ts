/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { waitFor } from '@bitcraps/messaging';
import { Infrastructure } from '@bitcraps/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { orchestratorService } from '../../orchestrator/src/orchestrator.service';
import { playerService } from '../../player/src/player.service';
import { treasuryService } from '../../treasury/src/treasury.service';
import { consensusService } from '../../consensus/src/consensus.service';

/**
 * The operator view at /ops, end to end: the whole stack in-process on a private NATS
 * JetStream and Redis, the page in headless Chromium (Debian's /usr/bin/chromium), real
 * actions through the API, and what the page shows, live over its event stream.
 */
const ADMIN = 'admin-token-for-the-ops-e2e-tests-0123456789';
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '../../../test-artifacts');
const PAGE_DEADLINE_MS = 20_000;

describe('the operator view at /ops', () => {
  let infra: Infrastructure;
  const services: ServiceApp[] = [];
  let base: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    env = { ...process.env, NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', GATEWAY_PORT: '', LOG_LEVEL: 'warn', REQUEST_TIMEOUT_MS: '30000', HOUSE_BANKROLL: '1000000', RATE_LIMITS: 'off', ADMIN_TOKEN: ADMIN };
    // the stuck-saga test stops and restarts the treasury at index 2
    for (const def of [playerService, lifecycleService, treasuryService, consensusService, orchestratorService]) services.push(await createServiceApp(def as never, env));
    const gateway = await createServiceApp(gatewayService, env);
    services.push(gateway);
    base = gateway.url;
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.close();
    await infra?.stop();
  });

  const call = async (method: string, path: string, body?: unknown, token?: string, at = base) => {
    const res = await fetch(at + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const browse = async <T>(what: (page: Page, pageErrors: string[]) => Promise<T>): Promise<T> => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: this test drives the /ops page in headless Chromium. Install it with \`apt-get install -y chromium\` (Debian's package; .ci/run installs it).`);
    }
    const profile = mkdtempSync(join(tmpdir(), 'ops-chromium-'));
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`${m.text()} ${m.location().url}`);
      });
      return await what(page, pageErrors);
    } finally {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    }
  };
  const register = async (name: string, deposit: number) => (await call('POST', '/v1/players', { name, deposit })).body as { playerId: string; token: string };

  it('serves the page without secrets, with a CSP that allows its own script only', async () => {
    const res = await fetch(`${base}/ops`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'sha256-/);
    const html = await res.text();
    expect(html).not.toContain(ADMIN);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('refuses the state and the stream without the admin token (401) and with a player token (403)', async () => {
    const p = await register('Pat', 0);
    for (const path of ['/v1/ops/state', '/v1/ops/events']) {
      expect(await call('GET', path)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
      expect(await call('GET', path, undefined, p.token)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
  });

  it('answers one snapshot: the open tables, the unfinished sagas and the audit', async () => {
    const a = await register('Ann', 1_000);
    const gameId = (await call('POST', '/v1/games', {}, a.token)).body.gameId as string;
    expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 100 }, a.token)).status).toBe(200);
    const state = await call('GET', '/v1/ops/state', undefined, ADMIN);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ stuckAfterMs: 30_000, problems: [], audit: { balanced: true, inFlight: 0 } });
    expect(state.body.sagas).toEqual([]);
    const table = state.body.tables.find((t: any) => t.gameId === gameId);
    expect(table).toMatchObject({ status: 'open', phase: 'come-out', shooter: a.playerId, players: [{ playerId: a.playerId, stack: 100 }] });
    expect(table).not.toHaveProperty('config');
    expect((await call('POST', `/v1/games/${gameId}/leave`, undefined, a.token)).status).toBe(200);
  });

  it('shows tables, stacks, bets, the roll and the audit live in headless Chromium', async () => {
    await browse(async (page, pageErrors) => {
      // the page asks for the token; a wrong one is refused and asked again
      await page.goto(`${base}/ops`);
      await page.locator('#token').waitFor({ state: 'visible', timeout: PAGE_DEADLINE_MS });
      await page.fill('#token', 'not-the-admin-token-but-long-enough-0000');
      await page.click('#login-submit');
      await shows(page, '#login-error', 'not the admin token');
      await page.fill('#token', ADMIN);
      await page.click('#login-submit');
      await shows(page, '#conn', 'live');
      await shows(page, '[data-field="balanced"]', 'yes');
      expect(page.url()).toBe(`${base}/ops`);
      expect(await page.evaluate(() => sessionStorage.getItem('bitcraps-admin-token'))).toBe(ADMIN);

      // real actions through the API; the page follows over its event stream
      const a = await register('Ann', 1_000);
      const b = await register('Bob', 1_000);
      const gameId = (await call('POST', '/v1/games', {}, a.token)).body.gameId as string;
      const table = `[data-game-id="${gameId}"]`;
      await shows(page, `${table} [data-field="status"]`, 'open');
      expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 300 }, a.token)).status).toBe(200);
      expect((await call('POST', `/v1/games/${gameId}/join`, { buyIn: 250 }, b.token)).status).toBe(200);
      await shows(page, `${table} [data-player-id="${a.playerId}"] [data-field="stack"]`, '300');
      await shows(page, `${table} [data-player-id="${b.playerId}"] [data-field="stack"]`, '250');
      await shows(page, `${table} [data-field="phase"]`, 'come-out');
      expect(await page.getAttribute(`${table} [data-field="shooter"]`, 'data-value')).toBe(a.playerId);

      const bet = await call('POST', `/v1/games/${gameId}/bets`, { type: 'pass', amount: 10 }, a.token);
      expect(bet.status).toBe(200);
      await shows(page, `${table} [data-bet-id="${bet.body.betId}"] [data-field="amount"]`, '10');
      await shows(page, `${table} [data-bet-id="${bet.body.betId}"] [data-field="type"]`, 'pass');
      await shows(page, `${table} [data-player-id="${a.playerId}"] [data-field="stack"]`, '290');
      await shows(page, `${table} [data-player-id="${a.playerId}"] [data-field="on-layout"]`, '10');

      const rolled = await call('POST', `/v1/games/${gameId}/roll`, undefined, a.token);
      expect(rolled.status).toBe(200);
      await shows(page, `${table} [data-field="rolls"]`, '1');
      await shows(page, `${table} [data-field="phase"]`, rolled.body.phase);
      await shows(page, `${table} [data-field="point"]`, rolled.body.point === null ? '-' : String(rolled.body.point));
      // stacks and bets as the API tells them after the roll
      const after = (await call('GET', `/v1/games/${gameId}`, undefined, a.token)).body;
      for (const p of after.players) await shows(page, `${table} [data-player-id="${p.playerId}"] [data-field="stack"]`, String(p.stack));
      await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [`${table} [data-bet-id]`, after.bets.length] as const, { timeout: PAGE_DEADLINE_MS });
      await shows(page, '[data-field="balanced"]', 'yes');
      await shows(page, '[data-field="inFlight"]', '0');
      await shows(page, '#sagas', 'no unfinished sagas');

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'ops.png'), fullPage: true });
      expect(pageErrors.filter((e) => !/status of 403/.test(e))).toEqual([]);

      // how the page draws a stuck saga, with a problem and no audit (the next test holds a real one): the stream
      // is stopped first, so only this snapshot is on the page
      const stuck = 's_00000000-0000-4000-8000-000000000001';
      const since = new Date(Date.now() - 45_000).toISOString();
      const synthetic = {
        at: new Date().toISOString(), stuckAfterMs: 30_000, tables: [], audit: null, problems: ['treasury audit: TIMEOUT'],
        sagas: [{ sagaId: stuck, type: 'join', status: 'running', playerId: a.playerId, gameId, lastChangeAt: since, unchangedForMs: 45_000, stuck: true,
          steps: [{ name: 'debit-wallet', status: 'done', attempts: 1 }, { name: 'seat-player', status: 'started', attempts: 3 }] }],
      };
      await page.evaluate(`(() => { const was = aborter; aborter = null; was && was.abort(); render(${JSON.stringify(synthetic)}); })()`);
      await shows(page, `[data-saga-id="${stuck}"] [data-field="status"]`, 'running (stuck)');
      expect(await page.getAttribute(`[data-saga-id="${stuck}"]`, 'class')).toBe('stuck');
      expect(await page.textContent(`[data-saga-id="${stuck}"]`)).toContain('debit-wallet: done → seat-player: started x3');
      await shows(page, '#problems', 'treasury audit: TIMEOUT');
      await shows(page, '#audit', 'audit unavailable');
      await page.screenshot({ path: join(ARTIFACTS, 'ops-stuck.png'), fullPage: true });
    });
  }, 120_000);

  it('shows a real saga held on a step while its service is down: its step and attempts, stuck after OPS_STUCK_AFTER_MS, gone once the service is back', async () => {
    // a gateway of its own that calls a saga stuck after 3 s (the default is 30 s); the
    // orchestrator retries a step every SAGA_STEP_TIMEOUT_MS (5 s) plus backoff, so the
    // saga sits unchanged long enough between attempts
    const STUCK_AFTER_MS = 3_000;
    const ops = await createServiceApp(gatewayService, { ...env, OPS_STUCK_AFTER_MS: String(STUCK_AFTER_MS) });
    const treasuryAt = 2; // as beforeAll starts them
    let treasuryDown = false;
    let joining: Promise<{ status: number; body: any }> | undefined;
    try {
      const opsCall = (method: string, path: string, body?: unknown, token?: string) => call(method, path, body, token, ops.url);
      const state = async () => (await opsCall('GET', '/v1/ops/state', undefined, ADMIN)).body as { stuckAfterMs: number; sagas: any[]; problems: string[]; audit: any };
      expect((await state()).stuckAfterMs).toBe(STUCK_AFTER_MS);
      await browse(async (page, pageErrors) => {
        await page.goto(`${ops.url}/ops`);
        await page.locator('#token').waitFor({ state: 'visible', timeout: PAGE_DEADLINE_MS });
        await page.fill('#token', ADMIN);
        await page.click('#login-submit');
        await shows(page, '#conn', 'live');
        await shows(page, '[data-field="balanced"]', 'yes');

        const c = await register('Cid', 1_000);
        const gameId = (await opsCall('POST', '/v1/games', {}, c.token)).body.gameId as string;
        // the treasury stops: the join debits the wallet, takes the seat, and waits on credit-stack
        await services[treasuryAt].close();
        treasuryDown = true;
        joining = opsCall('POST', `/v1/games/${gameId}/join`, { buyIn: 200 }, c.token);
        const onStep = (s: any) => s.type === 'join' && s.playerId === c.playerId && s.steps.find((st: any) => st.name === 'credit-stack')?.status === 'started';
        const held = await waitFor(async () => (await state()).sagas.find(onStep), { what: 'the join to reach credit-stack', timeoutMs: PAGE_DEADLINE_MS });
        const row = `[data-saga-id="${held.sagaId}"]`;
        await page.locator(row).waitFor({ timeout: PAGE_DEADLINE_MS });
        expect(await page.textContent(`${row} td:nth-child(2)`)).toBe('join');
        expect(await page.textContent(row)).toContain('debit-wallet: done \u2192 seat-player: done \u2192 credit-stack: started');
        await waitFor(async () => (await page.textContent('#problems'))?.includes('treasury audit'), { what: 'the page to say the treasury does not answer', timeoutMs: PAGE_DEADLINE_MS });
        await shows(page, '#audit', 'audit unavailable');

        // it retries: the attempts the orchestrator counts are what the page shows once EVT
        // moves (a table opens) and a fresh snapshot comes
        const retried = await waitFor(async () => {
          const s = (await state()).sagas.find((x) => x.sagaId === held.sagaId);
          return s && s.steps.find((st: any) => st.name === 'credit-stack').attempts >= 2 ? s : null;
        }, { what: 'a second attempt at credit-stack', timeoutMs: 60_000 });
        expect(retried).toMatchObject({ status: 'running', gameId, playerId: c.playerId });
        await opsCall('POST', '/v1/games', {}, c.token);
        await page.waitForFunction(
          ([sel]) => /credit-stack: started x([2-9]|\d\d)/.test(document.querySelector(sel)?.textContent ?? ''),
          [row] as const,
          { timeout: PAGE_DEADLINE_MS },
        );

        // unchanged for longer than the threshold: stuck, on the server and on the page
        const stuck = await waitFor(async () => (await state()).sagas.find((x) => x.sagaId === held.sagaId && x.stuck), { what: 'the saga to be called stuck', timeoutMs: 30_000 });
        expect(stuck.unchangedForMs).toBeGreaterThan(STUCK_AFTER_MS);
        await shows(page, `${row} [data-field="status"]`, 'running (stuck)');
        expect(await page.getAttribute(row, 'class')).toBe('stuck');
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'ops-stuck-real.png'), fullPage: true });

        // the treasury is back: it takes the pending credit-stack, the saga finishes, the audit balances
        services[treasuryAt] = await createServiceApp(treasuryService as never, env);
        treasuryDown = false;
        await shows(page, '#sagas', 'no unfinished sagas');
        await shows(page, '[data-field="balanced"]', 'yes');
        await shows(page, '[data-field="inFlight"]', '0');
        expect(await page.locator('#problems').isHidden()).toBe(true);
        const joined = await joining;
        expect([200, 202]).toContain(joined.status);
        const game = (await opsCall('GET', `/v1/games/${gameId}`, undefined, c.token)).body;
        expect(game.players).toEqual([expect.objectContaining({ playerId: c.playerId, stack: 200 })]);
        expect((await opsCall('GET', '/v1/players/me', undefined, c.token)).body.balance).toBe(800);
        expect(pageErrors.filter((e) => !/status of 403/.test(e))).toEqual([]);
      });
    } finally {
      if (treasuryDown) services[treasuryAt] = await createServiceApp(treasuryService as never, env);
      await joining?.catch(() => undefined);
      await ops.close();
    }
  }, 180_000);
});

/** Waits (with a deadline) until the element's text is `expected`; says what it saw when it is not. */
async function shows(page: Page, selector: string, expected: string): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
      [selector, expected] as const,
      { timeout: PAGE_DEADLINE_MS },
    );
  } catch {
    const seen = await page.evaluate((sel) => document.querySelector(sel)?.textContent ?? '(no such element)', selector);
    throw new Error(`the page did not show "${expected}" at ${selector} within ${PAGE_DEADLINE_MS} ms; it shows "${seen}"`);
  }
}
