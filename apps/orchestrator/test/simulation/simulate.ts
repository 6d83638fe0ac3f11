import type { BetType } from '@bitcraps/craps';
import { definitionKey, type SagaDefinition, type SagaState } from '@bitcraps/saga';
import { SAGAS, betSaga, expireSaga, joinSaga, leaveSaga, rollSaga } from '../../src/sagas';
import { check, type Classification, type Violation } from './checker';
import { Network, type Faults } from './network';
import { Orchestrators, WatchedStore, type CrashPlan } from './orchestrators';
import { Prng } from './prng';
import { VirtualTime } from './virtual-time';
import { World } from './world';

/**
 * One seeded run of the saga engine in a simulated world: players join, bet, roll and
 * leave at a table (some arrive late) and a table left idle expires, while the network
 * loses, duplicates, delays and reorders messages, services die half way through
 * commands, and orchestrators crash, restart and run two at a time. Then faults stop, the world settles, and the checker judges every saga and
 * the books. Everything derives from the seed: `simulate(seed)` twice is the same run.
 */
export interface SimOptions {
  /** Collect a line per event (for `replay`). */
  trace?: boolean;
  /** Replace the real saga definitions (to check that the checker catches a broken one). */
  sagas?: { join?: SagaDefinition<any>; bet?: SagaDefinition<any>; roll?: SagaDefinition<any>; leave?: SagaDefinition<any>; expire?: SagaDefinition<any> };
  /** Turn every fault off (a sanity run). */
  calm?: boolean;
  /**
   * Chance that a player waits for their last saga to end before the next action (1: each
   * player runs one saga at a time, like a client awaiting each answer). Default: drawn.
   */
  patience?: number;
  /** How long players play, in virtual ms (default: drawn in 8..30 s). */
  windowMs?: number;
  /** The chance of each network and service fault (default: drawn among 0.02, 0.05, 0.1, 0.2). */
  faultRate?: number;
  /** Services or subjects that are slow all along (max one-way latency in ms). */
  sluggish?: Partial<Record<string, number>>;
}

export interface SimResult {
  seed: number;
  violations: Violation[];
  classes: Map<string, Classification>;
  stats: { sagas: Record<string, number>; deliveries: number; crashes: number; orchestrators: number; events: number; virtualMs: number; ended: string };
  trace: string[];
}

/** What players bet on (repeats weigh): one-roll bets, line bets, and a few the table may refuse in some phases. */
const BETS: ReadonlyArray<{ type: BetType; number?: number }> = [
  { type: 'field' }, { type: 'field' }, { type: 'field' }, { type: 'pass' }, { type: 'pass' }, { type: 'dont_pass' }, { type: 'any_seven' },
  { type: 'place', number: 6 }, { type: 'place', number: 8 }, { type: 'big_6' }, { type: 'hardway', number: 8 }, { type: 'come' }, { type: 'yo' }, { type: 'pass_odds' },
];

const STEP_TIMEOUT_MS = 5_000;

export async function simulate(seed: number, options: SimOptions = {}): Promise<SimResult> {
  const rng = new Prng(seed);
  const setup = rng.fork('setup');
  const trace: string[] = [];
  const log = options.trace ? (line: string) => trace.push(line) : undefined;
  const time = new VirtualTime();

  // the world
  const drawnWindow = setup.int(8_000, 30_000);
  const window = options.windowMs ?? drawnWindow;
  const bankroll = setup.chance(0.15) ? setup.int(200, 3_000) : 1_000_000;
  const world = new World({ bankroll, reserveRatio: 0.1, rng: rng.fork('dice'), now: () => time.now(), maxRevealWaitMs: 30_000 });
  const gameIds = Array.from({ length: setup.chance(0.2) ? 2 : 1 }, () => `g_${setup.uuid()}`);
  for (const g of gameIds) world.lifecycle.create(g);
  const playerIds = Array.from({ length: setup.int(2, 4) }, () => `p_${setup.uuid()}`);
  for (const p of playerIds) world.player.register(p, setup.int(100, 2_000));

  // what goes wrong
  const calm = options.calm === true;
  const drawnRate = setup.pick([0.02, 0.05, 0.1, 0.2]);
  const rate = calm ? 0 : (options.faultRate ?? drawnRate);
  const services = ['player', 'lifecycle', 'treasury', 'consensus'];
  const faults: Faults = {
    dropRequest: rate,
    dropReply: rate,
    duplicate: rate,
    slow: rate / 2,
    slowMaxMs: 3 * STEP_TIMEOUT_MS,
    fastMaxMs: setup.pick([2, 20, 200]),
    serviceCrash: rate / 2,
    ...(options.sluggish ? { sluggish: options.sluggish } : {}),
    outages: calm ? [] : Array.from({ length: setup.int(0, 3) }, () => {
      const from = setup.int(0, window);
      return { service: setup.pick(services), from, to: from + setup.int(1_000, 40_000) };
    }),
  };
  const crashes: CrashPlan = {
    atStoreCall: calm ? 0 : setup.pick([0, 0.005, 0.02]),
    timed: calm ? [] : Array.from({ length: setup.int(0, 3) }, () => setup.int(0, window)),
    rivals: calm ? [] : Array.from({ length: setup.int(0, 2) }, () => setup.int(0, window)),
    max: calm ? 0 : setup.int(0, 6),
    restartMs: [50, 3_000],
  };

  const chosen: Record<string, SagaDefinition<any>> = { join: joinSaga, bet: betSaga, roll: rollSaga, leave: leaveSaga, expire: expireSaga, ...options.sagas };
  const defs = chosen;
  // the chosen definitions, and every other version the orchestrator registers
  const registered = [...Object.values(defs), ...SAGAS.filter((d) => !Object.values(defs).some((x) => definitionKey(x) === definitionKey(d)))];
  const store = new WatchedStore();
  const network = new Network(time, rng.fork('network'), world, faults, log);
  const orchestra = new Orchestrators(store, registered, network, time, rng.fork('crashes'), crashes, STEP_TIMEOUT_MS, log);
  orchestra.spawn('first');

  // the players: each acts every so often, on what the table shows
  const clients = rng.fork('clients');
  const drawn = clients.pick([0, 0.5, 0.9, 1]);
  const patience = options.patience ?? drawn;
  const last = new Map<string, string>();
  const ids = rng.fork('ids');
  const start = (def: SagaDefinition<any>, ctx: Record<string, unknown>, playerId: string) => {
    const sagaId = `s_${ids.uuid()}`;
    last.set(playerId, sagaId);
    orchestra.startSaga({ def: defs[def.type]!, sagaId, ctx: { sagaId, ...ctx }, at: time.now() });
  };
  const act = (playerId: string) => {
    if (time.now() > window) return;
    time.after(clients.int(100, 2_500), () => act(playerId));
    const pending = last.get(playerId);
    const status = pending ? store.latest.get(pending)?.status : undefined;
    if (pending && (status === undefined || status === 'running' || status === 'compensating') && clients.chance(patience)) return;
    const gameId = clients.pick(gameIds);
    const g = world.lifecycle.games.get(gameId)!;
    const seat = g.players.find((p) => p.playerId === playerId);
    if (!seat) {
      const wallet = world.player.wallets.get(playerId)!;
      if (clients.chance(0.7)) start(joinSaga, { gameId, playerId, buyIn: clients.int(10, Math.max(10, Math.min(wallet, 400))) }, playerId);
      return;
    }
    // a player the last roll paid often takes the chips and goes
    const lastRoll = g.rolls.at(-1);
    const paid = lastRoll?.resolutions.some((r) => r.playerId === playerId && r.outcome === 'win') && g.rollCount === lastRoll.rollIndex;
    const roll = paid && clients.chance(0.5) ? 1 : clients.next();
    if (roll < 0.62) {
      const b = clients.pick(BETS);
      start(betSaga, { gameId, playerId, betId: `b_${ids.uuid()}`, type: b.type, amount: clients.int(1, 40), ...(b.number !== undefined ? { number: b.number } : {}) }, playerId);
    } else if (roll < 0.9) {
      // mostly the shooter; now and then someone who is not (refused: NOT_SHOOTER)
      if (g.shooter === playerId || clients.chance(0.1)) start(rollSaga, { gameId, playerId }, playerId);
    } else start(leaveSaga, { gameId, playerId }, playerId);
  };
  // some players arrive late, maybe at a table that is expiring or closed
  const idle = rng.fork('expire');
  for (const p of playerIds) {
    const at = clients.int(0, 1_000);
    time.at(idle.chance(0.25) ? idle.int(Math.floor(window / 2), window) : at, () => act(p));
  }

  // expiry: a table open and with no lifecycle command for `inactivityMs` gets GameInactive,
  // repeated every `inactivityMs` while it stays so; each starts the game's one expire saga
  // (its id derives from the game: a repeat starts nothing new). Tables idle after the
  // players stop expire too, for a while.
  const inactivityMs = idle.pick([3_000, 10_000, 30_000, 30_000]);
  const expireIds = new Map(gameIds.map((g) => [g, `s_${idle.uuid()}`]));
  const lastInactive = new Map<string, number>();
  const watchIdle = () => {
    for (const gameId of gameIds) {
      const g = world.lifecycle.games.get(gameId)!;
      const since = Math.max(g.lastActivityAt, lastInactive.get(gameId) ?? 0);
      if (g.status !== 'open' || time.now() - since < inactivityMs) continue;
      lastInactive.set(gameId, time.now());
      const sagaId = expireIds.get(gameId)!;
      orchestra.startSaga({ def: defs.expire!, sagaId, ctx: { sagaId, gameId }, at: time.now() });
    }
    if (time.now() < window + 45_000) time.after(500, watchIdle);
  };
  time.at(500, watchIdle);

  // faults stop when the players do; then the world has a long while to settle
  time.at(window, () => {
    network.faultsOn = false;
    orchestra.faultsOn = false;
    log?.(`${time.now()} faults stop`);
  });
  const ended = await time.run(window + 5 * 60_000, 200_000);
  orchestra.stopAll();
  time.clear();

  const states = new Map<string, SagaState<any>>();
  for (const r of orchestra.requested) {
    const s = await store.load(r.sagaId);
    if (s) states.set(r.sagaId, s.state);
  }
  const { violations, classes } = check({
    world,
    requested: orchestra.requested,
    states,
    invalidCommands: network.invalid,
    executorErrors: orchestra.errors,
    terminalCalls: orchestra.terminalCalls,
    gameIds,
    playerIds,
  });
  const sagas: Record<string, number> = {};
  for (const r of orchestra.requested) {
    const key = `${r.def.type}:${classes.get(r.sagaId)}`;
    sagas[key] = (sagas[key] ?? 0) + 1;
  }
  return {
    seed,
    violations,
    classes,
    stats: { sagas, deliveries: network.deliveries.length, crashes: orchestra.crashes, orchestrators: orchestra.incarnations.length, events: time.events, virtualMs: time.now(), ended },
    trace,
  };
}

/** Runs one seed again with its trace: what to call on a failing seed. */
export async function replay(seed: number, options: Omit<SimOptions, 'trace'> = {}): Promise<SimResult> {
  const result = await simulate(seed, { ...options, trace: true });
  const report = [
    `seed ${seed}: ${result.violations.length} violation(s)`,
    ...result.violations.map((v) => `  ${v.kind}${v.sagaId ? ` ${v.sagaId}` : ''}: ${v.detail}`),
    `stats ${JSON.stringify(result.stats)}`,
  ];
  return { ...result, trace: [...result.trace, ...report] };
}
