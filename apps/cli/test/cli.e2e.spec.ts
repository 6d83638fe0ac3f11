import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@bitcraps/messaging';
import { freePort, Infrastructure, ServiceProcess } from '@bitcraps/testing';
import { runCli } from '../src/cli';

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

describe('bitcraps watch', () => {
  let server: Server;
  let url: string;
  let config: string;
  beforeAll(async () => {
    config = mkdtempSync(join(tmpdir(), 'bitcraps-watch-'));
    // the gateway's events endpoint is not there yet: a stand-in that speaks SSE as section 8 says
    server = createServer((req, res) => {
      if (req.url !== '/v1/games/g_1/events' || req.headers.authorization !== 'Bearer tok') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'GAME_NOT_FOUND', message: 'no game' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
      res.write('event: player-joined\ndata: {"playerId":"p_1"}\n\n');
      res.write('event: dice-rolled\ndata: {"dice":[3,4]}\n\n');
      // then keeps the stream open, as a live table would
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(config, { recursive: true, force: true });
  });

  const watch = async (argv: string[], signal?: AbortSignal, err: string[] = []) => {
    const out: string[] = [];
    const code = await runCli(['--url', url, 'watch', ...argv], { out: (t) => out.push(t), err: (t) => err.push(t), env: { XDG_CONFIG_HOME: config, BITCRAPS_TOKEN: 'tok' }, signal, backoffMs: 0 });
    return { code, out, err };
  };

  it('prints each event as it comes and stops after --count', async () => {
    const r = await watch(['g_1', '--count', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d {2}player-joined {2}\{"playerId":"p_1"\}$/), expect.stringMatching(/dice-rolled {2}\{"dice":\[3,4\]\}$/)]);
    expect(r.err).toEqual(['watching g_1 (Ctrl-C stops)']);
  });

  it('stops cleanly on Ctrl-C, and reports a refusal', async () => {
    const interrupt = new AbortController();
    const err: string[] = [];
    const running = watch(['g_1'], interrupt.signal, err);
    await waitFor(() => err.length > 0, { what: 'the stream to open' });
    interrupt.abort();
    expect((await running).code).toBe(0);
    // interrupted before it even started: stops at once too
    expect((await watch(['g_1'], AbortSignal.abort())).code).toBe(0);
    const refused = await watch(['g_2']);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/^error: GAME_NOT_FOUND \(404\): no game/);
  });
});
