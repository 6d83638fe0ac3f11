import type { CurrentRound } from '@bitcraps/contracts';
import { parseCommandLine, USAGE, type Command, type Globals } from './args';
import { ApiClient, ApiFailure, Unreachable } from './client';
import { credentialsPath, loadCredentials, saveCredentials } from './credentials';
import {
  formatBet,
  formatFailure,
  formatGame,
  formatJoin,
  formatLeave,
  formatPlayer,
  formatRegistered,
  formatRoll,
  formatRound,
  formatSaga,
  formatStats,
  formatVerification,
} from './format';
import { checkProof, type Proof } from './verify';
import { watchGame } from './watch';

/** Where the CLI talks to the world; main.ts passes the process's, tests their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Home directory (for ~/.config when XDG_CONFIG_HOME is unset). */
  home?: string;
  /** Aborts `watch` (Ctrl-C). */
  signal?: AbortSignal;
  /** Waits between retries of a 503, and the first wait before `watch` reconnects (tests pass 0). */
  backoffMs?: number;
}

const NEEDS_TOKEN = new Set<Command['name']>(['me', 'create', 'show', 'join', 'bet', 'roll', 'leave', 'watch', 'saga']);
const game = (id: string) => `/v1/games/${encodeURIComponent(id)}`;

/** Runs one command line; resolves with the exit status (0 done, 1 failed, 2 usage, 3 unreachable). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, io.env);
  if (!parsed.ok) {
    io.err(`bitcraps: ${parsed.error}\n(bitcraps --help lists the commands)`);
    return 2;
  }
  const { command, globals } = parsed;
  if (command.name === 'help') {
    io.out(USAGE);
    return 0;
  }
  const path = credentialsPath(io.env, io.home);
  try {
    const saved = await loadCredentials(path, globals.url);
    const token = io.env.BITCRAPS_TOKEN || saved?.token;
    if (NEEDS_TOKEN.has(command.name) && !token) {
      io.err(`bitcraps: not registered at ${globals.url}: run \`bitcraps register <name>\` first`);
      return 1;
    }
    const client = new ApiClient({ baseUrl: globals.url, token, fetch: io.fetch, backoffMs: io.backoffMs });
    return await execute(command, globals, client, io, path);
  } catch (err) {
    if (err instanceof ApiFailure) {
      io.err(formatFailure(err));
      return 1;
    }
    if (err instanceof Unreachable) {
      io.err(`bitcraps: ${err.message}\n  hint: is the gateway running? (npm start), or pass --url / set BITCRAPS_URL`);
      return 3;
    }
    io.err(`bitcraps: ${(err as Error)?.message ?? err}`);
    return 1;
  }
}

async function execute(command: Command, globals: Globals, client: ApiClient, io: CliIo, credentialsFile: string): Promise<number> {
  const print = (answer: unknown, readable: () => string) => io.out(globals.json ? JSON.stringify(answer, null, 2) : readable());
  switch (command.name) {
    case 'register': {
      const body = { name: command.playerName, ...(command.deposit !== undefined ? { deposit: command.deposit } : {}) };
      const answer = await client.post('/v1/players', body);
      await saveCredentials(credentialsFile, globals.url, { playerId: answer.playerId, name: command.playerName, token: answer.token, savedAt: new Date().toISOString() });
      print(answer, () => formatRegistered(answer, command.playerName, credentialsFile));
      return 0;
    }
    case 'me': {
      const me = await client.get('/v1/players/me');
      print(me, () => formatPlayer(me));
      return 0;
    }
    case 'create': {
      const created = await client.post('/v1/games', command.settings);
      print(created, () => `${formatGame(created)}\nothers join with: bitcraps join ${created.gameId} --buy-in <chips>`);
      return 0;
    }
    case 'show': {
      const g = await client.get(game(command.gameId));
      print(g, () => formatGame(g));
      return 0;
    }
    case 'join': {
      const body = { buyIn: command.buyIn, ...(command.password ? { password: command.password } : {}), ...(command.publicKey ? { publicKey: command.publicKey } : {}) };
      const answer = await client.post(`${game(command.gameId)}/join`, body);
      print(answer, () => formatJoin(answer));
      return 0;
    }
    case 'bet': {
      const body = { type: command.type, amount: command.amount, ...(command.number !== undefined ? { number: command.number } : {}) };
      const answer = await client.post(`${game(command.gameId)}/bets`, body);
      print(answer, () => formatBet(answer, command.type, command.amount));
      return 0;
    }
    case 'roll': {
      const answer = await client.post(`${game(command.gameId)}/roll`);
      print(answer, () => formatRoll(answer));
      return 0;
    }
    case 'leave': {
      const answer = await client.post(`${game(command.gameId)}/leave`);
      print(answer, () => formatLeave(answer));
      return 0;
    }
    case 'saga': {
      const saga = await client.get(`/v1/sagas/${encodeURIComponent(command.sagaId)}`);
      print(saga, () => formatSaga(saga));
      return 0;
    }
    case 'stats': {
      const stats = await client.get('/v1/stats');
      print(stats, () => formatStats(stats));
      return 0;
    }
    case 'round': {
      const round = await client.get<CurrentRound>(`${game(command.gameId)}/rounds/current`);
      print(round, () => formatRound(round));
      return 0;
    }
    case 'verify': {
      const proof = await client.get<Proof>(`${game(command.gameId)}/rolls/${command.rollIndex}/proof`);
      const check = checkProof(proof, command.rollIndex);
      print({ proof, verified: check.ok, recomputed: check.dice, problems: check.problems }, () => formatVerification(command.gameId, proof, check));
      return check.ok ? 0 : 1;
    }
    case 'watch':
      return watchGame({ gameId: command.gameId, count: command.count, json: globals.json, client, out: io.out, err: io.err, signal: io.signal, backoffMs: io.backoffMs });
    case 'logout': {
      await saveCredentials(credentialsFile, globals.url, null);
      io.out(`forgot the token for ${globals.url}`);
      return 0;
    }
    case 'help':
      io.out(USAGE);
      return 0;
  }
}
