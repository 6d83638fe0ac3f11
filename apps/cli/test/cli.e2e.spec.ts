import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@bitcraps/messaging';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { runCli } from '../src/cli';
import { formatEvent } from '../src/format';
import { SseParser, type ServerEvent } from '../src/sse';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'apps', 'cli', 'bin', 'bitcraps.js');

/**
 * The CLI end to end: every service as its own process (as `npm start` runs them) over a
 * private NATS JetStream and Redis, and the CLI as a player would use it.
 */
describe('bitcraps CLI against the running services', () => {
  let infra: Infrastructure;
  const services: ServiceProcess[] = [];
  let url: string;
  let config: string;

  beforeAll(async () => {
    infra = await Infrastructure.start();
    const env = { NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, GATEWAY_PORT: '', REQUEST_TIMEOUT_MS: '30000', HOUSE_BANKROLL: '1000000', LOG_LEVEL: 'warn' };
    for (const app of ['player', 'lifecycle', 'treasury', 'consensus', 'orchestrator', 'stats', 'gateway']) services.push(new ServiceProcess(app, await freePort(), env));
    await Promise.all(services.map((s) => s.start(120_000)));
    url = services.at(-1)!.baseUrl;
    config = mkdtempSync(join(tmpdir(), 'bitcraps-cli-'));
  }, 180_000);

  afterAll(async () => {
    for (const s of [...services].reverse()) await s.kill('SIGTERM');
    await infra?.stop();
    if (config) rmSync(config, { recursive: true, force: true });
  });

  /** Runs one command line in this process, as `bitcraps --url <gateway> …`. */
  async function cli(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--url', url, ...argv], { out: (t) => out.push(t), err: (t) => err.push(t), env: { XDG_CONFIG_HOME: config, ...env }, backoffMs: 0 });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const json = async (argv: string[]) => {
    const r = await cli(['--json', ...argv]);
    expect(r).toMatchObject({ code: 0, err: '' });
    return JSON.parse(r.out);
  };

  let gameId: string;

  it('register keeps the token in $XDG_CONFIG_HOME/bitcraps/credentials.json (0600); me shows the wallet', async () => {
    const r = await cli(['register', 'Ann', '--deposit', '1000']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^registered Ann as p_[0-9a-f-]{36}\n {2}wallet: 1,000 chips\n {2}token saved to .*credentials\.json$/);
    const file = join(config, 'bitcraps', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')).gateways[url];
    expect(saved).toMatchObject({ name: 'Ann', playerId: expect.stringMatching(/^p_/), token: expect.any(String) });
    const me = await cli(['me']);
    expect(me).toEqual({ code: 0, out: `Ann (${saved.playerId})\n  wallet: 1,000 chips`, err: '' });
    expect(await json(['me'])).toEqual({ playerId: saved.playerId, name: 'Ann', balance: 1000 });
  });

  it('create opens a table with the options given; show reads it back', async () => {
    const created = await cli(['create', '--max-players', '6', '--min-bet', '5', '--allowed-bets', 'pass,field,place']);
    expect(created.code).toBe(0);
    gameId = /^game (g_[0-9a-f-]{36})$/m.exec(created.out)![1];
    expect(created.out).toContain('seats 6');
    expect(created.out).toContain(`others join with: bitcraps join ${gameId} --buy-in <chips>`);
    const shown = await cli(['show', gameId]);
    expect(shown.code).toBe(0);
    expect(shown.out.split('\n').slice(0, 3)).toEqual([`game ${gameId}`, '  status: open   phase: come-out   point: —   rolls: 0', '  shooter: —']);
    expect((await json(['show', gameId])).config).toMatchObject({ maxPlayers: 6, minBet: 5, allowedBets: ['pass', 'field', 'place'] });
  });

  it('shows the API’s refusals with their code and message, and exits 1', async () => {
    const unknown = await cli(['show', 'g_00000000-0000-4000-8000-000000000000']);
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toMatch(/^error: GAME_NOT_FOUND \(404\): /);
    const invalid = await cli(['create', '--max-players', '99']);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/^error: VALIDATION_FAILED \(400\): .*\n {2}- maxPlayers: /);
    const forged = await cli(['me'], { BITCRAPS_TOKEN: 'garbage' });
    expect(forged.code).toBe(1);
    expect(forged.err).toMatch(/^error: UNAUTHORIZED \(401\): invalid bearer token\n {2}hint: /);
  });

  it('says how to start when there is no token, and exits 3 when the gateway does not answer', async () => {
    const none = await cli(['me'], { XDG_CONFIG_HOME: join(config, 'elsewhere') });
    expect(none).toEqual({ code: 1, out: '', err: `bitcraps: not registered at ${url}: run \`bitcraps register <name>\` first` });
    const port = await freePort();
    const out: string[] = [];
    const code = await runCli(['--url', `http://127.0.0.1:${port}`, 'stats'], { out: (t) => out.push(t), err: (t) => out.push(t), env: {}, backoffMs: 0 });
    expect(code).toBe(3);
    expect(out.join('\n')).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('plays a round: join, bet, roll, verify the dice, leave; the wallet adds up', async () => {
    const joined = await cli(['join', gameId, '--buy-in', '200']);
    expect(joined).toMatchObject({ code: 0, err: '' });
    expect(joined.out).toMatch(/^join: seated with a stack of 200 chips\n {2}saga s_[0-9a-f-]{36} completed$/);
    const bet = await cli(['bet', gameId, 'field', '20']);
    expect(bet).toMatchObject({ code: 0, err: '' });
    expect(bet.out).toMatch(/^bet: field for 20 chips is on the layout as \S+\n {2}saga s_\S+ completed$/);
    const roll = await json(['roll', gameId]);
    expect(roll).toMatchObject({ status: 'completed', rollIndex: 1, dice: [expect.any(Number), expect.any(Number)] });
    expect(roll.resolutions).toEqual([expect.objectContaining({ type: 'field', amount: 20 })]);
    const { outcome, payout } = roll.resolutions[0];

    const verified = await cli(['verify', gameId, String(roll.rollIndex)]);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(new RegExp(`^roll #1 of ${gameId}: VERIFIED\\n[\\s\\S]*dice: the proof says \\[${roll.dice.join(', ')}\\]; recomputed \\[${roll.dice.join(', ')}\\]`));

    const left = await cli(['leave', gameId]);
    expect(left.code).toBe(0);
    const stack = 180 + (outcome === 'lose' ? 0 : 20 + payout);
    expect(left.out).toMatch(new RegExp(`^leave: left the table; ${stack.toLocaleString('en-US')} chips returned to the wallet`));
    expect((await json(['me'])).balance).toBe(800 + stack);
    const sagaId = /saga (s_\S+) completed/.exec(left.out)![1];
    expect((await cli(['saga', sagaId])).out).toMatch(new RegExp(`^saga ${sagaId} \\(leave\\): completed`));
  });

  it('watch prints a table\'s real events, and after a gateway restart resumes with what it missed, each event once', async () => {
    const watched = (await json(['create'])).gameId as string;
    const out: string[] = [];
    const err: string[] = [];
    const interrupt = new AbortController();
    // the watch's reconnect waits until the test lets it through: the gateway is back and the table moved meanwhile
    let connects = 0;
    let letIn!: () => void;
    const back = new Promise<void>((resolve) => (letIn = resolve));
    const gated = (async (input: string | URL | Request, init?: RequestInit) => {
      if (connects++ > 0) await back;
      return fetch(input, init);
    }) as typeof fetch;
    const watching = runCli(['--url', url, 'watch', watched], { out: (t) => out.push(t), err: (t) => err.push(t), env: { XDG_CONFIG_HOME: config }, signal: interrupt.signal, backoffMs: 0, fetch: gated });
    const counted = cli(['watch', watched, '--count', '2']);
    await waitFor(() => err.includes(`watching ${watched} (Ctrl-C stops)`), { what: 'the watch to open' });
    const named = (name: string) => out.filter((l) => l.split('  ')[1] === name);

    expect((await cli(['join', watched, '--buy-in', '100'])).code).toBe(0);
    const bet = await json(['bet', watched, 'pass', '10']);
    await waitFor(() => named('lifecycle.bet-recorded').length === 1 && named('orchestrator.saga-ended').length === 2, { what: 'the join and the bet on the watch', timeoutMs: 30_000 });
    expect(named('lifecycle.player-seated')).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d {2}lifecycle\.player-seated {2}\{.*"playerId":"p_/)]);
    expect(named('lifecycle.bet-recorded')[0]).toContain(bet.betId);
    // --count stops by itself
    expect(await counted).toMatchObject({ code: 0, out: expect.stringMatching(/^\d\d:\d\d:\d\d {2}\S+ {2}\{.*\n\d\d:\d\d:\d\d {2}\S+ {2}\{/) });

    const gateway = services.at(-1)!;
    const before = out.length;
    await gateway.kill('SIGKILL');
    await waitFor(() => err.find((l) => /^connection lost \(.+\); reconnecting, resuming after event \d+$/.test(l)), { what: 'the watch to notice the gateway is gone' });
    await gateway.start(120_000);
    const roll = await json(['roll', watched]);
    expect(out.length).toBe(before);
    letIn();
    await waitFor(() => named('lifecycle.roll-applied').length === 1 && named('orchestrator.saga-ended').length === 3, { what: 'the roll on the resumed watch', timeoutMs: 30_000 });
    expect(err).toContainEqual(expect.stringMatching(new RegExp(`^reconnected to ${watched}, resuming after event \\d+$`)));
    expect(named('lifecycle.roll-applied')[0]).toContain(`"dice":[${roll.dice.join(',')}]`);

    // everything the gateway has of this table since the watch opened, replayed from the start
    // of EVT: the watch printed exactly that, in order, nothing twice and nothing missed
    const all = await replay(watched, (events) => events.filter((e) => e.event === 'orchestrator.saga-ended').length >= 3);
    const sinceWatch = all.slice(all.findIndex((e) => e.event === 'lifecycle.player-seated'));
    const text = (line: string) => line.slice(10);
    await waitFor(() => out.length >= sinceWatch.length, { what: 'the watch to print the rest' });
    expect(out.map(text)).toEqual(sinceWatch.map((e) => text(formatEvent(e))));

    interrupt.abort();
    expect(await watching).toBe(0);
    expect(err.filter((l) => /^(connection lost|reconnected)/.test(l))).toHaveLength(2);

    // a table that does not exist is refused at once; Ctrl-C before it opens stops at once too
    const unknown = await cli(['watch', 'g_00000000-0000-4000-8000-000000000000']);
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toMatch(/^error: GAME_NOT_FOUND \(404\): /);
    expect(await runCli(['--url', url, 'watch', watched], { out: () => undefined, err: () => undefined, env: { XDG_CONFIG_HOME: config }, signal: AbortSignal.abort() })).toBe(0);
  }, 240_000);

  /** The game's events from the start of EVT (Last-Event-ID 0), read until `enough` says so. */
  async function replay(gameId: string, enough: (events: ServerEvent[]) => boolean): Promise<ServerEvent[]> {
    const token = JSON.parse(readFileSync(join(config, 'bitcraps', 'credentials.json'), 'utf8')).gateways[url].token as string;
    const stop = AbortSignal.timeout(30_000);
    const res = await fetch(`${url}/v1/games/${gameId}/events`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': '0' }, signal: stop });
    expect(res.status).toBe(200);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    const events: ServerEvent[] = [];
    try {
      while (!enough(events)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the replay ended after ${events.length} events`);
        events.push(...parser.push(decoder.decode(value, { stream: true })));
      }
      return events;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  it('stats counts the games played', async () => {
    const stats = await waitFor(async () => {
      const s = await json(['stats']);
      return s.totalGames >= 1 && s.totalRolls >= 1 ? s : null;
    }, { what: 'the stats to fold the game' });
    const text = await cli(['stats']);
    expect(text.out).toMatch(new RegExp(`^games: ${stats.totalGames} \\(`));
  });

  it('runs as `bitcraps` through its launcher (TypeScript sources without a build)', async () => {
    const env = { ...process.env, XDG_CONFIG_HOME: config, BITCRAPS_URL: url, BITCRAPS_CLI_FROM_SOURCE: '1' };
    const { stdout } = await run(process.execPath, [LAUNCHER, 'me'], { env, cwd: ROOT });
    expect(stdout).toMatch(/^Ann \(p_[0-9a-f-]{36}\)\n {2}wallet: /);
    const failed = await run(process.execPath, [LAUNCHER, 'shoot'], { env, cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "shoot"/) });
  });
});
