import { jetstreamManager } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { CheckShooter, CreateGame, DicePassed, GameInactive, GetGame, SeatPlayer, SuspendGame, CloseGame, HEADER } from '@bitcraps/contracts';
import { waitFor } from '@bitcraps/messaging';
import type { DueTimeout } from '@bitcraps/service-kit';
import { TIMEOUT_KINDS } from '../src/game-runner';
import { LifecycleHarness, newGameId, newPlayerId, ok } from './harness';

interface Seen {
  subject: string;
  msgId: string;
  body: any;
}

/**
 * Timeouts in Redis with two lifecycle replicas sweeping: each due timeout fires once;
 * a Redis that lost everything is re-armed from KV.
 */
describe('lifecycle timeouts', () => {
  let h: LifecycleHarness;
  let sub: Subscription;
  const seen: Seen[] = [];
  const fired: DueTimeout[] = [];
  let idleGame: string;
  let idleCreatedAt: number;

  beforeAll(async () => {
    h = await LifecycleHarness.start({ TIMEOUT_SWEEP_INTERVAL_MS: '10' }, 2);
    const nc = await h.client.connect();
    // a plain subscriber sees every publish, also one JetStream would drop as a duplicate
    sub = nc.subscribe('evt.lifecycle.>', {
      callback: (_err, msg) => {
        seen.push({ subject: msg.subject, msgId: msg.headers?.get(HEADER.msgId) ?? '', body: JSON.parse(msg.string()) });
      },
    });
    await nc.flush();
    // record every timeout each replica's sweeper hands to lifecycle
    for (const i of [0, 1]) {
      const timers = h.timers(i) as any;
      for (const method of ['onRollClock', 'onInactivity']) {
        const original = timers[method].bind(timers);
        timers[method] = (due: DueTimeout) => {
          fired.push(due);
          return original(due);
        };
      }
    }
    // a table nobody touches: its inactivity deadline passes while the other tests run
    idleGame = newGameId();
    idleCreatedAt = Date.now();
    ok(await h.send(CreateGame, { gameId: idleGame, createdBy: newPlayerId(), settings: { inactivityTimeoutMs: 10_000 } }));
  });
  afterAll(async () => {
    sub?.unsubscribe();
    await h?.stop();
  });

  const events = (subject: string, gameId: string) => seen.filter((s) => s.subject === subject && s.body.gameId === gameId);

  it('fires each due roll timeout once with two replicas sweeping: the dice pass once per deadline', async () => {
    const games: Array<{ gameId: string; players: string[] }> = [];
    for (let i = 0; i < 12; i++) {
      const gameId = newGameId();
      const players = [newPlayerId(), newPlayerId()];
      ok(await h.send(CreateGame, { gameId, createdBy: players[0]!, settings: { rollTimeoutMs: 1_000 } }));
      for (const playerId of players) ok(await h.send(SeatPlayer, { gameId, playerId, buyIn: 100, opId: `join-${playerId}` }));
      games.push({ gameId, players });
    }
    await waitFor(() => games.every((g) => events(DicePassed.subject, g.gameId).length >= 2), { timeoutMs: 20_000, what: 'the dice to pass twice at every table' });
    for (const g of games) ok(await h.send(SuspendGame, { gameId: g.gameId, reason: 'stop the clock', opId: 'stop' }));

    const rollFires = fired.filter((d) => d.kind === TIMEOUT_KINDS.roll && games.some((g) => g.gameId === d.id));
    const keys = rollFires.map((d) => `${d.id}@${d.deadline}`);
    expect(new Set(keys).size).toBe(keys.length); // no deadline handed out twice
    for (const g of games) {
      const passed = events(DicePassed.subject, g.gameId);
      expect(new Set(passed.map((p) => p.msgId)).size).toBe(passed.length); // no event published twice
      const [a, b] = g.players;
      passed.forEach((p, i) => expect(p.body).toMatchObject(i % 2 === 0 ? { from: a, to: b } : { from: b, to: a }));
      const view = ok(await h.client.query(GetGame, { gameId: g.gameId })).game;
      expect(view.shooter).toBe(passed.length % 2 === 0 ? a : b);
    }
    // both replicas were sweeping
    expect(h.timers(0).sweeper.rounds).toBeGreaterThan(0);
    expect(h.timers(1).sweeper.rounds).toBeGreaterThan(0);
  });

  it('announces an inactive game once on EVT, keeps it open, and re-arms the next reminder', async () => {
    await waitFor(() => events(GameInactive.subject, idleGame).length > 0, { timeoutMs: 20_000, what: 'the inactivity event' });
    const [event] = events(GameInactive.subject, idleGame);
    const deadline = Date.parse(event!.body.deadline);
    expect(deadline).toBeGreaterThanOrEqual(idleCreatedAt + 10_000);
    expect(event!.msgId).toBe(`lifecycle.game-inactive.${idleGame}.${deadline}`);
    // let both sweepers go round a few more times: nothing fires again for that deadline
    const rounds = [h.timers(0).sweeper.rounds, h.timers(1).sweeper.rounds];
    await waitFor(() => h.timers(0).sweeper.rounds > rounds[0]! + 5 && h.timers(1).sweeper.rounds > rounds[1]! + 5, { what: 'more sweeps' });
    expect(events(GameInactive.subject, idleGame)).toHaveLength(1);
    expect(fired.filter((d) => d.kind === TIMEOUT_KINDS.inactivity && d.id === idleGame)).toHaveLength(1);
    expect(ok(await h.client.query(GetGame, { gameId: idleGame })).game.status).toBe('open');
    expect(Number(await h.redis.zscore('timeouts:game-inactivity', idleGame))).toBeGreaterThanOrEqual(deadline + 10_000);
    // it is in the event log for the expire saga
    const jsm = await jetstreamManager(await h.client.connect());
    const stored = await jsm.streams.getMessage('EVT', { last_by_subj: GameInactive.subject });
    expect(stored?.json()).toMatchObject({ gameId: idleGame });
  });

  it('leaves Redis the earlier deadline when a command pushes it later; the early fire announces nothing and re-arms at the record', async () => {
    const gameId = newGameId();
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    ok(await h.send(CreateGame, { gameId, createdBy: ann, settings: { inactivityTimeoutMs: 10_000 } }));
    const first = Number(await h.redis.zscore('timeouts:game-inactivity', gameId));
    expect(first).toBe((await h.store().get(gameId))!.inactiveAt);
    // a command pushes the record's deadline: Redis is not written
    await waitFor(() => Date.now() > first - 8_500, { what: 'the deadline to be worth pushing', timeoutMs: 5_000 });
    ok(await h.send(SeatPlayer, { gameId, playerId: bob, buyIn: 100, opId: `join-${bob}` }));
    const pushed = (await h.store().get(gameId))!.inactiveAt!;
    expect(pushed).toBeGreaterThan(first);
    expect(Number(await h.redis.zscore('timeouts:game-inactivity', gameId))).toBe(first);
    // the early deadline fires: nothing is announced, and Redis now holds the record's deadline
    await waitFor(() => fired.some((d) => d.kind === TIMEOUT_KINDS.inactivity && d.id === gameId && d.deadline === first), { what: 'the early deadline to fire', timeoutMs: 15_000 });
    await waitFor(async () => Number(await h.redis.zscore('timeouts:game-inactivity', gameId)) === pushed, { what: 'the re-arm at the record', timeoutMs: 10_000 });
    expect(events(GameInactive.subject, gameId)).toHaveLength(0);
    // and it fires for real at the record's deadline
    await waitFor(() => events(GameInactive.subject, gameId).length === 1, { what: 'the inactivity event', timeoutMs: 10_000 });
    expect(Date.parse(events(GameInactive.subject, gameId)[0]!.body.deadline)).toBe(pushed);
  });

  describe('after Redis lost everything', () => {
    let open: string;
    let idle: string;
    let suspended: string;
    let closed: string;
    const [ann, bob] = [newPlayerId(), newPlayerId()];

    const create = async (settings = {}) => {
      const gameId = newGameId();
      ok(await h.send(CreateGame, { gameId, createdBy: ann, settings }));
      return gameId;
    };
    const armed = async () => ({
      inactivity: await h.redis.zrange('timeouts:game-inactivity', 0, -1),
      roll: await h.redis.zrange('timeouts:roll', 0, -1),
    });
    const deadlines = async (gameId: string) => {
      const g = (await h.store().get(gameId))!;
      return { inactivity: g.inactiveAt, roll: g.rollDeadline };
    };
    const redisDeadlines = async (gameId: string) => ({
      inactivity: Number(await h.redis.zscore('timeouts:game-inactivity', gameId)) || null,
      roll: Number(await h.redis.zscore('timeouts:roll', gameId)) || null,
    });

    beforeAll(async () => {
      open = await create({ rollTimeoutMs: 3_600_000 });
      for (const playerId of [ann, bob]) ok(await h.send(SeatPlayer, { gameId: open, playerId, buyIn: 100, opId: `join-${playerId}` }));
      idle = await create();
      suspended = await create();
      ok(await h.send(SuspendGame, { gameId: suspended, reason: 'x', opId: 's' }));
      closed = await create();
      ok(await h.send(CloseGame, { gameId: closed, reason: 'x', opId: 'c' }));
      // each seat pushed the inactivity deadline later; Redis keeps the first (it fires early and re-arms)
      const [held, truth] = [await redisDeadlines(open), await deadlines(open)];
      expect(held.roll).toBe(truth.roll);
      expect(held.inactivity).not.toBeNull();
      expect(held.inactivity!).toBeLessThanOrEqual(truth.inactivity!);
      expect(truth.roll).not.toBeNull();
    });

    it('re-arms the open games from KV when lifecycle restarts after FLUSHALL', async () => {
      for (const app of [...h.replicas]) await h.stopReplica(app);
      await h.redis.flushall();
      expect(await armed()).toEqual({ inactivity: [], roll: [] });
      await h.startReplica(); // waits for its first re-arm
      expect(await redisDeadlines(open)).toEqual(await deadlines(open));
      expect(await redisDeadlines(idle)).toEqual(await deadlines(idle));
      const now = await armed();
      expect(now.inactivity).toEqual(expect.arrayContaining([open, idle]));
      expect(now.inactivity).not.toEqual(expect.arrayContaining([suspended]));
      expect(now.inactivity).not.toEqual(expect.arrayContaining([closed]));
      expect(now.roll).toEqual([open]);
    });

    it('still serializes and fences work on games whose fencing counters Redis lost', async () => {
      const before = (await h.store().get(open))!.fence;
      expect(before).toBeGreaterThan(0);
      expect(ok(await h.send(CheckShooter, { gameId: open, playerId: ann, opId: 'after-flush' }))).toMatchObject({ rollIndex: 1 });
      expect((await h.store().get(open))!.fence).toBeGreaterThan(before);
    });

    it('re-arms without a restart when Redis comes back empty', async () => {
      await h.redis.flushall();
      await waitFor(async () => (await h.redis.zscore('timeouts:game-inactivity', idle)) !== null, { what: 'the watcher to re-arm', timeoutMs: 10_000 });
      expect(await redisDeadlines(idle)).toEqual(await deadlines(idle));
    });
  });
});
