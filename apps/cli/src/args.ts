import { parseArgs } from 'node:util';

/**
 * The command line, pure: argv → a command, or a usage error. No I/O here, so every
 * shape of argument is unit-tested.
 */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'register'; playerName: string; deposit?: number }
  | { name: 'me' }
  | { name: 'create'; settings: Record<string, unknown> }
  | { name: 'show'; gameId: string }
  | { name: 'join'; gameId: string; buyIn: number; password?: string; publicKey?: string }
  | { name: 'bet'; gameId: string; type: string; amount: number; number?: number }
  | { name: 'roll'; gameId: string }
  | { name: 'leave'; gameId: string }
  | { name: 'watch'; gameId: string; count?: number }
  | { name: 'verify'; gameId: string; rollIndex: number }
  | { name: 'round'; gameId: string }
  | { name: 'saga'; sagaId: string }
  | { name: 'stats' }
  | { name: 'logout' };

export interface Globals {
  /** Gateway base URL, without a trailing slash. */
  url: string;
  /** Print the API's JSON instead of the readable form. */
  json: boolean;
}

export type Parsed = { ok: true; command: Command; globals: Globals } | { ok: false; error: string };

/** `create` options: kebab-case flag → the per-game setting (DESIGN.md section 9) and how to read it. */
export const CREATE_OPTIONS: Record<string, { key: string; kind: 'int' | 'text' | 'list' }> = {
  'min-bet': { key: 'minBet', kind: 'int' },
  'max-bet': { key: 'maxBet', kind: 'int' },
  'min-buy-in': { key: 'minBuyIn', kind: 'int' },
  'max-buy-in': { key: 'maxBuyIn', kind: 'int' },
  'max-players': { key: 'maxPlayers', kind: 'int' },
  'max-bets-per-player': { key: 'maxBetsPerPlayer', kind: 'int' },
  'allowed-bets': { key: 'allowedBets', kind: 'list' },
  'max-odds': { key: 'maxOdds', kind: 'text' },
  'inactivity-timeout-ms': { key: 'inactivityTimeoutMs', kind: 'int' },
  'roll-timeout-ms': { key: 'rollTimeoutMs', kind: 'int' },
  'reveal-timeout-ms': { key: 'revealTimeoutMs', kind: 'int' },
  'vote-timeout-ms': { key: 'voteTimeoutMs', kind: 'int' },
  consensus: { key: 'consensus', kind: 'text' },
  password: { key: 'password', kind: 'text' },
};

export const USAGE = `bitcraps: play BitCraps from the terminal

usage: bitcraps [--url URL] [--json] <command> [arguments]

commands:
  register <name> [--deposit N]          open an account (the token is kept in your config directory)
  me                                     your player and wallet balance
  create [--max-players N] [--min-bet N] [--max-bet N] [--min-buy-in N] [--max-buy-in N]
         [--max-bets-per-player N] [--allowed-bets pass,field,…] [--max-odds 3-4-5]
         [--consensus house|quorum] [--password P] [--inactivity-timeout-ms N]
         [--roll-timeout-ms N] [--reveal-timeout-ms N] [--vote-timeout-ms N]
                                         open a table
  show <gameId>                          a table: phase, point, shooter, players, bets
  join <gameId> --buy-in N [--password P] [--public-key K]
                                         buy in and take a seat
  bet <gameId> <type> <amount> [--number N]
                                         place a bet (types: pass, dont_pass, come, place, field, …)
  roll <gameId>                          roll the dice (when you are the shooter)
  leave <gameId>                         leave the table; your stack goes back to your wallet
  watch <gameId> [--count N]             follow the table's events as they happen (Ctrl-C stops)
  round <gameId>                         the house's commitment for the next roll (note it before you bet)
  verify <gameId> <rollIndex>            fetch a roll's proof and recompute the dice yourself
  saga <sagaId>                          a saga's status and steps
  stats                                  totals of the whole casino
  logout                                 forget the token kept for this URL

options:
  --url URL    the gateway (default: $BITCRAPS_URL or ${DEFAULT_URL})
  --json       print the API's JSON answers
  -h, --help   this help

exit status: 0 done, 1 refused by the API or failed, 2 bad usage, 3 the gateway cannot be reached`;

function int(value: string | undefined, what: string, { min = 0 }: { min?: number } = {}): number | string {
  if (value === undefined) return `${what} is required`;
  if (!/^[0-9]+$/.test(value)) return `${what} must be a whole number (got "${value}")`;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return `${what} is too large (got "${value}")`;
  if (n < min) return `${what} must be at least ${min} (got ${n})`;
  return n;
}

function fail(error: string): Parsed {
  return { ok: false, error };
}

/** Parses `argv` (without node and the script); `env` gives BITCRAPS_URL. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Parsed {
  const createFlags = Object.fromEntries(Object.keys(CREATE_OPTIONS).map((k) => [k, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        deposit: { type: 'string' },
        'buy-in': { type: 'string' },
        'public-key': { type: 'string' },
        number: { type: 'string' },
        count: { type: 'string' },
        password: { type: 'string' },
        ...createFlags,
      },
    });
  } catch (err) {
    return fail((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const { values, positionals } = parsed;
  const rawUrl = values.url ?? env.BITCRAPS_URL ?? DEFAULT_URL;
  if (!/^https?:\/\/[^\s/]+/.test(rawUrl)) return fail(`--url must be an http(s) URL (got "${rawUrl}")`);
  const globals: Globals = { url: rawUrl.replace(/\/+$/, ''), json: values.json ?? false };
  const [name, ...args] = positionals;
  if (values.help || name === undefined || name === 'help') return { ok: true, command: { name: 'help', topic: name === 'help' ? args[0] : undefined }, globals };

  // every option belongs to some commands only: refuse it elsewhere rather than ignore it
  const allowed: Record<string, string[]> = {
    register: ['deposit'],
    create: Object.keys(CREATE_OPTIONS),
    join: ['buy-in', 'password', 'public-key'],
    bet: ['number'],
    watch: ['count'],
  };
  const commandOptions = Object.keys(values).filter((k) => !['url', 'json', 'help'].includes(k));
  for (const option of commandOptions) {
    if (!(allowed[name] ?? []).includes(option)) return fail(`${name} takes no --${option}`);
  }
  const arity = (n: number, shape: string): string | null => (args.length === n ? null : `usage: bitcraps ${name} ${shape}`);
  const done = (command: Command): Parsed => ({ ok: true, command, globals });

  switch (name) {
    case 'register': {
      const wrong = arity(1, '<name> [--deposit N]');
      if (wrong) return fail(wrong);
      if (values.deposit === undefined) return done({ name, playerName: args[0] });
      const deposit = int(values.deposit, '--deposit');
      return typeof deposit === 'string' ? fail(deposit) : done({ name, playerName: args[0], deposit });
    }
    case 'me':
    case 'stats':
    case 'logout': {
      const wrong = arity(0, '');
      return wrong ? fail(wrong.trimEnd()) : done({ name });
    }
    case 'create': {
      const wrong = arity(0, '[options]');
      if (wrong) return fail(wrong);
      const settings: Record<string, unknown> = {};
      for (const [flag, { key, kind }] of Object.entries(CREATE_OPTIONS)) {
        const raw = (values as Record<string, unknown>)[flag] as string | undefined;
        if (raw === undefined) continue;
        if (kind === 'int') {
          const n = int(raw, `--${flag}`);
          if (typeof n === 'string') return fail(n);
          settings[key] = n;
        } else if (kind === 'list') {
          settings[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
        } else {
          settings[key] = raw;
        }
      }
      return done({ name, settings });
    }
    case 'show':
    case 'roll':
    case 'round':
    case 'leave': {
      const wrong = arity(1, '<gameId>');
      return wrong ? fail(wrong) : done({ name, gameId: args[0] });
    }
    case 'watch': {
      const wrong = arity(1, '<gameId> [--count N]');
      if (wrong) return fail(wrong);
      if (values.count === undefined) return done({ name, gameId: args[0] });
      const count = int(values.count, '--count', { min: 1 });
      return typeof count === 'string' ? fail(count) : done({ name, gameId: args[0], count });
    }
    case 'join': {
      const wrong = arity(1, '<gameId> --buy-in N [--password P] [--public-key K]');
      if (wrong) return fail(wrong);
      const buyIn = int(values['buy-in'], '--buy-in', { min: 1 });
      if (typeof buyIn === 'string') return fail(buyIn);
      return done({
        name,
        gameId: args[0],
        buyIn,
        ...(values.password !== undefined ? { password: values.password } : {}),
        ...(values['public-key'] !== undefined ? { publicKey: values['public-key'] } : {}),
      });
    }
    case 'bet': {
      const wrong = arity(3, '<gameId> <type> <amount> [--number N]');
      if (wrong) return fail(wrong);
      const amount = int(args[2], '<amount>', { min: 1 });
      if (typeof amount === 'string') return fail(amount);
      if (values.number === undefined) return done({ name, gameId: args[0], type: args[1], amount });
      const number = int(values.number, '--number', { min: 2 });
      return typeof number === 'string' ? fail(number) : done({ name, gameId: args[0], type: args[1], amount, number });
    }
    case 'verify': {
      const wrong = arity(2, '<gameId> <rollIndex>');
      if (wrong) return fail(wrong);
      const rollIndex = int(args[1], '<rollIndex>', { min: 1 });
      return typeof rollIndex === 'string' ? fail(rollIndex) : done({ name, gameId: args[0], rollIndex });
    }
    case 'saga': {
      const wrong = arity(1, '<sagaId>');
      return wrong ? fail(wrong) : done({ name, sagaId: args[0] });
    }
    default:
      return fail(`unknown command "${name}" (bitcraps --help lists them)`);
  }
}
