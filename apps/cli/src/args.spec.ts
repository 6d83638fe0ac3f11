import { GameSettingsInputSchema } from '@bitcraps/contracts';
import { CREATE_OPTIONS, DEFAULT_URL, parseCommandLine, type Parsed } from './args';

const ok = (p: Parsed) => {
  if (!p.ok) throw new Error(`expected a command, got: ${p.error}`);
  return p;
};
const error = (p: Parsed) => (p.ok ? `parsed: ${JSON.stringify(p.command)}` : p.error);
const gameId = 'g_00000000-0000-4000-8000-000000000001';

describe('command line', () => {
  it('defaults the URL, takes BITCRAPS_URL, and --url over both; drops a trailing slash', () => {
    expect(ok(parseCommandLine(['me'])).globals).toEqual({ url: DEFAULT_URL, json: false });
    expect(ok(parseCommandLine(['me'], { BITCRAPS_URL: 'http://gw:8080/' })).globals.url).toBe('http://gw:8080');
    expect(ok(parseCommandLine(['--url', 'https://x.example', 'me', '--json'], { BITCRAPS_URL: 'http://gw:8080' })).globals).toEqual({ url: 'https://x.example', json: true });
    expect(error(parseCommandLine(['me', '--url', 'ftp://x']))).toMatch(/--url must be an http\(s\) URL/);
  });

  it('help: no command, help, -h, --help', () => {
    for (const argv of [[], ['help'], ['-h'], ['--help'], ['register', '--help']]) expect(ok(parseCommandLine(argv)).command.name).toBe('help');
  });

  it('register <name> [--deposit N]', () => {
    expect(ok(parseCommandLine(['register', 'Ann'])).command).toEqual({ name: 'register', playerName: 'Ann' });
    expect(ok(parseCommandLine(['register', 'Ann Lee', '--deposit', '2500'])).command).toEqual({ name: 'register', playerName: 'Ann Lee', deposit: 2500 });
    expect(ok(parseCommandLine(['register', '--deposit=0', 'Ann'])).command).toEqual({ name: 'register', playerName: 'Ann', deposit: 0 });
    expect(error(parseCommandLine(['register']))).toBe('usage: bitcraps register <name> [--deposit N]');
    expect(error(parseCommandLine(['register', 'Ann', '--deposit', '-5']))).toMatch(/--deposit/);
    expect(error(parseCommandLine(['register', 'Ann', '--deposit', '1.5']))).toBe('--deposit must be a whole number (got "1.5")');
    expect(error(parseCommandLine(['register', 'Ann', '--deposit', '99999999999999999999']))).toMatch(/too large/);
  });

  it('create maps every per-game setting to a flag, and refuses unknown flags', () => {
    expect(Object.values(CREATE_OPTIONS).map((o) => o.key).sort()).toEqual(Object.keys(GameSettingsInputSchema.shape).sort());
    expect(ok(parseCommandLine(['create'])).command).toEqual({ name: 'create', settings: {} });
    const parsed = ok(parseCommandLine(['create', '--max-players', '6', '--min-bet', '5', '--allowed-bets', 'pass, field,place', '--consensus', 'quorum', '--password', 'sesame', '--max-odds', '3-4-5']));
    expect(parsed.command).toEqual({
      name: 'create',
      settings: { maxPlayers: 6, minBet: 5, allowedBets: ['pass', 'field', 'place'], consensus: 'quorum', password: 'sesame', maxOdds: '3-4-5' },
    });
    expect(GameSettingsInputSchema.safeParse((parsed.command as { settings: unknown }).settings).success).toBe(true);
    expect(error(parseCommandLine(['create', '--max-players', 'six']))).toMatch(/--max-players must be a whole number/);
    expect(error(parseCommandLine(['create', '--colour', 'red']))).toMatch(/colour/);
    expect(error(parseCommandLine(['create', 'extra']))).toMatch(/usage: bitcraps create/);
  });

  it('join <gameId> --buy-in N [--password P]', () => {
    expect(ok(parseCommandLine(['join', gameId, '--buy-in', '500'])).command).toEqual({ name: 'join', gameId, buyIn: 500 });
    expect(ok(parseCommandLine(['join', gameId, '--buy-in', '500', '--password', 'pw'])).command).toEqual({ name: 'join', gameId, buyIn: 500, password: 'pw' });
    expect(error(parseCommandLine(['join', gameId]))).toBe('--buy-in is required');
    expect(error(parseCommandLine(['join', gameId, '--buy-in', '0']))).toMatch(/at least 1/);
    expect(error(parseCommandLine(['join', '--buy-in', '5']))).toMatch(/usage: bitcraps join/);
  });

  it('bet <gameId> <type> <amount> [--number N]', () => {
    expect(ok(parseCommandLine(['bet', gameId, 'pass', '10'])).command).toEqual({ name: 'bet', gameId, type: 'pass', amount: 10 });
    expect(ok(parseCommandLine(['bet', gameId, 'place', '12', '--number', '6'])).command).toEqual({ name: 'bet', gameId, type: 'place', amount: 12, number: 6 });
    expect(error(parseCommandLine(['bet', gameId, 'pass']))).toMatch(/usage: bitcraps bet <gameId> <type> <amount>/);
    expect(error(parseCommandLine(['bet', gameId, 'pass', 'ten']))).toMatch(/<amount> must be a whole number/);
    expect(error(parseCommandLine(['bet', gameId, 'pass', '0']))).toMatch(/<amount> must be at least 1/);
  });

  it('show, roll, leave, round, watch, verify, saga, stats, me, logout', () => {
    for (const name of ['show', 'roll', 'leave', 'round'] as const) expect(ok(parseCommandLine([name, gameId])).command).toEqual({ name, gameId });
    expect(error(parseCommandLine(['round']))).toBe('usage: bitcraps round <gameId>');
    expect(ok(parseCommandLine(['watch', gameId])).command).toEqual({ name: 'watch', gameId });
    expect(ok(parseCommandLine(['watch', gameId, '--count', '3'])).command).toEqual({ name: 'watch', gameId, count: 3 });
    expect(ok(parseCommandLine(['verify', gameId, '7'])).command).toEqual({ name: 'verify', gameId, rollIndex: 7 });
    expect(error(parseCommandLine(['verify', gameId, '0']))).toMatch(/<rollIndex> must be at least 1/);
    expect(ok(parseCommandLine(['saga', 's_1'])).command).toEqual({ name: 'saga', sagaId: 's_1' });
    for (const name of ['stats', 'me', 'logout'] as const) expect(ok(parseCommandLine([name])).command).toEqual({ name });
    expect(error(parseCommandLine(['stats', 'now']))).toBe('usage: bitcraps stats');
    expect(error(parseCommandLine(['show']))).toBe('usage: bitcraps show <gameId>');
  });

  it('refuses an option the command does not take, and unknown commands', () => {
    expect(error(parseCommandLine(['me', '--deposit', '5']))).toBe('me takes no --deposit');
    expect(error(parseCommandLine(['roll', gameId, '--number', '6']))).toBe('roll takes no --number');
    expect(error(parseCommandLine(['shoot', gameId]))).toBe('unknown command "shoot" (bitcraps --help lists them)');
    expect(error(parseCommandLine(['me', '--nope']))).toMatch(/Unknown option '--nope'/);
  });
});
