import fc from 'fast-check';
import { emptyStats, figures, fold, isCurrentState, RECENT_KEPT, totalPot, type StatsState } from './projection';
import type { StatsEvent, StatsFact } from './stats-event';

const g = 'g_1';
let seq = 0;
const ev = (fact: StatsFact, at = 1_000 * (seq + 1)): StatsEvent => ({ seq: ++seq, at, fact });
/** Folds facts as new EVT messages (new sequences), as replayed answers arrive. */
const foldAll = (s: StatsState, facts: StatsFact[]) => facts.reduce((acc, f) => fold(acc, ev(f)), s);

const created: StatsFact = { kind: 'game-created', gameId: g };
const closed: StatsFact = { kind: 'game-closed', gameId: g };
const seat = (playerId: string, seatId = `join-${playerId}`): StatsFact => ({ kind: 'player-seated', gameId: g, playerId, seatId });
const leave = (playerId: string, leaveId = `leave-${playerId}`, returnedBets: Array<{ betId: string; amount: number }> = []): StatsFact => ({ kind: 'player-left', gameId: g, playerId, leaveId, returnedBets });
const bet = (betId: string, amount: number): StatsFact => ({ kind: 'bet-placed', gameId: g, betId, amount });
const roll = (rollIndex: number, dice: [number, number], resolutions: Extract<StatsFact, { kind: 'roll-applied' }>['resolutions'] = []): StatsFact => ({ kind: 'roll-applied', gameId: g, rollIndex, dice, resolutions });
/** Figures and the open games, without the position (a replay moves it). */
const snapshot = (s: StatsState) => ({ ...figures(s), eventsFolded: undefined, gamesPerSecond: undefined, games: JSON.parse(JSON.stringify(s.games)), pot: totalPot(s) });

describe('stats projection', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('folds a game: bets, a roll, profit, pot, players, length', () => {
    const s = emptyStats();
    for (const e of [
      ev(created, 0),
      ev(seat('a')),
      ev(seat('b')),
      ev(bet('b1', 10)),
      ev(bet('b2', 30)),
      ev(bet('b3', 5)),
      ev({ kind: 'bet-removed', gameId: g, betId: 'b3' }),
      ev(roll(1, [3, 4], [
        { betId: 'b1', outcome: 'win', amount: 10, payout: 10 },
        { betId: 'b2', outcome: 'lose', amount: 30, payout: 0 },
      ])),
      ev(leave('a')),
      ev(closed, 10_000),
    ]) fold(s, e);
    expect(figures(s)).toMatchObject({
      totalGames: 1, activeGames: 0, closedGames: 1, totalRolls: 1, totalBets: 2, totalVolume: 40,
      houseProfit: 20, outcomes: { win: 1, lose: 1, push: 0 }, largestPot: 45, peakPlayers: 2, seatedPlayers: 0,
      averageGameLengthMs: 10_000, eventsFolded: 10,
    });
    expect(figures(s).diceTotals['7']).toBe(1);
  });

  it('ignores an event it has folded already (redelivery) and facts about unknown games', () => {
    const s = emptyStats();
    const c = ev(created);
    const b = ev(bet('x', 7));
    for (const e of [c, b, b, c]) fold(s, e);
    fold(s, ev({ kind: 'bet-placed', gameId: 'g_unknown', betId: 'y', amount: 9 }));
    fold(s, ev({ kind: 'roll-applied', gameId: 'g_unknown', rollIndex: 1, dice: [1, 1], resolutions: [] }));
    expect(figures(s)).toMatchObject({ totalGames: 1, totalBets: 1, totalVolume: 7, totalRolls: 0 });
  });

  describe('a replayed answer (a retried saga step: the same fact in a new EVT message) is folded once', () => {
    const rolled = roll(1, [6, 5], [
      { betId: 'b1', outcome: 'win', amount: 10, payout: 10 },
      { betId: 'b2', outcome: 'lose', amount: 20, payout: 0 },
      { betId: 'b3', outcome: 'push', amount: 5, payout: 0 },
    ]);
    const game = [created, seat('a'), bet('b1', 10), bet('b2', 20), bet('b3', 5), rolled];

    it('a roll, while its game is open and after it closed: rolls, outcomes, dice totals and profit unchanged', () => {
      const s = foldAll(emptyStats(), game);
      const once = snapshot(s);
      expect(once).toMatchObject({ totalRolls: 1, outcomes: { win: 1, lose: 1, push: 1 }, houseProfit: 10, pot: 0 });
      expect(once.diceTotals['11']).toBe(1);
      foldAll(s, [rolled, rolled]);
      expect(snapshot(s)).toEqual(once);
      // an older roll replayed after the next one
      foldAll(s, [roll(2, [1, 1]), rolled]);
      expect(figures(s)).toMatchObject({ totalRolls: 2, outcomes: { win: 1, lose: 1, push: 1 }, houseProfit: 10 });
      foldAll(s, [closed]);
      const closedOnce = snapshot(s);
      foldAll(s, [rolled, roll(2, [1, 1])]);
      expect(snapshot(s)).toEqual(closedOnce);
    });

    it('a create, while the game is open and after it closed: no new game, no phantom active game', () => {
      const s = foldAll(emptyStats(), [created, created]);
      expect(figures(s)).toMatchObject({ totalGames: 1, activeGames: 1 });
      foldAll(s, [closed, created, closed]);
      expect(figures(s)).toMatchObject({ totalGames: 1, activeGames: 0, closedGames: 1 });
      expect(s.games).toEqual({});
    });

    it('a bet, while open, after the roll resolved it, after its removal, after it came down with a leave, after the close', () => {
      const s = foldAll(emptyStats(), game);
      expect(figures(s)).toMatchObject({ totalBets: 3, totalVolume: 35 });
      foldAll(s, [bet('b1', 10), bet('b2', 20), bet('b3', 5)]);
      expect(figures(s)).toMatchObject({ totalBets: 3, totalVolume: 35 });
      expect(totalPot(s)).toBe(0);

      foldAll(s, [bet('b4', 7), bet('b4', 7), { kind: 'bet-removed', gameId: g, betId: 'b4' }, bet('b4', 7), { kind: 'bet-removed', gameId: g, betId: 'b4' }]);
      expect(figures(s)).toMatchObject({ totalBets: 3, totalVolume: 35 });

      foldAll(s, [bet('b5', 9), leave('a', 'leave-a', [{ betId: 'b5', amount: 9 }]), bet('b5', 9)]);
      expect(figures(s)).toMatchObject({ totalBets: 4, totalVolume: 44, largestPot: 35 });
      expect(totalPot(s)).toBe(0);

      foldAll(s, [bet('b6', 4), closed, bet('b6', 4), bet('b7', 4)]);
      expect(figures(s)).toMatchObject({ totalBets: 5, totalVolume: 48 });
    });

    it('a seat, while seated, after the player left and after the close; a genuine re-join counts, a replayed leave does not unseat it', () => {
      const s = foldAll(emptyStats(), [created, seat('a'), seat('a'), seat('b')]);
      expect(figures(s)).toMatchObject({ seatedPlayers: 2, peakPlayers: 2 });
      foldAll(s, [leave('a'), seat('a'), leave('a')]);
      expect(figures(s)).toMatchObject({ seatedPlayers: 1, peakPlayers: 2 });
      // the same player joins again (another join saga): seated; the first leave replayed changes nothing
      foldAll(s, [seat('a', 'join-a-2'), leave('a'), seat('a'), seat('c')]);
      expect(figures(s)).toMatchObject({ seatedPlayers: 3, peakPlayers: 3 });
      expect(Object.keys(s.games[g]!.seats).sort()).toEqual(['a', 'b', 'c']);
      // a join compensated (its own correlation id on the unseat), then its seat replayed
      foldAll(s, [leave('c', 'join-c'), seat('c')]);
      expect(figures(s)).toMatchObject({ seatedPlayers: 2 });
      foldAll(s, [closed, seat('a', 'join-a-3'), seat('d'), leave('a', 'leave-a-2')]);
      expect(figures(s)).toMatchObject({ seatedPlayers: 0, peakPlayers: 3 });
    });

    it('takes the bets that came down with a leave off the pot', () => {
      const s = foldAll(emptyStats(), [created, seat('a'), seat('b'), bet('a1', 10), bet('a2', 15), bet('b1', 20)]);
      expect(totalPot(s)).toBe(45);
      foldAll(s, [leave('a', 'leave-a', [{ betId: 'a1', amount: 10 }, { betId: 'a2', amount: 15 }])]);
      expect(totalPot(s)).toBe(20);
      foldAll(s, [bet('b2', 30)]);
      // the largest pot is 50 now, not 75 as with the returned bets still counted
      expect(figures(s)).toMatchObject({ largestPot: 50, totalBets: 4, totalVolume: 75 });
    });
  });

  it('remembers a bounded number of ended facts', () => {
    const s = foldAll(emptyStats(), [created]);
    for (let i = 0; i < RECENT_KEPT + 50; i++) foldAll(s, [bet(`b${i}`, 1), { kind: 'bet-removed', gameId: g, betId: `b${i}` }]);
    expect(s.recent).toHaveLength(RECENT_KEPT);
    expect(s.recent[0]).toBe(`b:${g}:b50`);
  });

  it('resumes only a state of its own version', () => {
    expect(isCurrentState(emptyStats())).toBe(true);
    const v1 = { ...emptyStats(), version: undefined, recent: undefined };
    expect(isCurrentState(JSON.parse(JSON.stringify(v1)))).toBe(false);
    expect(isCurrentState(null)).toBe(false);
  });

  it('is deterministic: folding the same log twice gives equal states, whatever was folded before a restart', () => {
    const gameArb = fc.constantFrom('g1', 'g2');
    const playerArb = fc.constantFrom('a', 'b', 'c');
    const betIdArb = fc.constantFrom('b1', 'b2', 'b3');
    const factArb: fc.Arbitrary<StatsFact> = fc.oneof(
      gameArb.map((gameId) => ({ kind: 'game-created' as const, gameId })),
      fc.record({ gameId: gameArb, playerId: playerArb, seatId: fc.constantFrom('j1', 'j2') }).map((r) => ({ kind: 'player-seated' as const, ...r })),
      fc.record({ gameId: gameArb, playerId: playerArb, leaveId: fc.constantFrom('l1', 'l2'), betId: betIdArb })
        .map((r) => ({ kind: 'player-left' as const, gameId: r.gameId, playerId: r.playerId, leaveId: r.leaveId, returnedBets: [{ betId: r.betId, amount: 5 }] })),
      fc.record({ gameId: gameArb, betId: betIdArb, amount: fc.integer({ min: 1, max: 100 }) }).map((r) => ({ kind: 'bet-placed' as const, ...r })),
      fc.record({ gameId: gameArb, betId: betIdArb }).map((r) => ({ kind: 'bet-removed' as const, ...r })),
      fc.record({ gameId: gameArb, rollIndex: fc.integer({ min: 1, max: 4 }), d1: fc.integer({ min: 1, max: 6 }), d2: fc.integer({ min: 1, max: 6 }), betId: betIdArb, outcome: fc.constantFrom('win' as const, 'lose' as const, 'push' as const) })
        .map((r) => ({ kind: 'roll-applied' as const, gameId: r.gameId, rollIndex: r.rollIndex, dice: [r.d1, r.d2] as [number, number], resolutions: [{ betId: r.betId, outcome: r.outcome, amount: 5, payout: r.outcome === 'win' ? 5 : 0 }] })),
      gameArb.map((gameId) => ({ kind: 'game-closed' as const, gameId })),
    );
    fc.assert(
      fc.property(fc.array(factArb, { maxLength: 60 }), fc.nat(60), (facts, cut) => {
        const log = facts.map((fact, i) => ({ seq: i + 1, at: i * 100, fact }));
        const once = log.reduce(fold, emptyStats());
        // a restart at `cut`: the checkpoint is a JSON copy, then the log is delivered again from the start
        const restarted = JSON.parse(JSON.stringify(log.slice(0, cut).reduce(fold, emptyStats())));
        const resumed = log.reduce(fold, restarted);
        expect(resumed).toEqual(once);
        expect(figures(once).activeGames).toBeGreaterThanOrEqual(0);
        expect(figures(once).seatedPlayers).toBeGreaterThanOrEqual(0);
        expect(totalPot(once)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('folds every fact of a game at most once, whatever answers are replayed after it and wherever', () => {
    // a whole game as lifecycle answers it; every fact here takes effect
    const story: StatsFact[] = [
      created, seat('a'), seat('b'), bet('b1', 10), bet('b2', 20), bet('b3', 5), { kind: 'bet-removed', gameId: g, betId: 'b3' },
      roll(1, [3, 4], [{ betId: 'b1', outcome: 'lose', amount: 10, payout: 0 }]),
      bet('b4', 7), leave('a', 'leave-a', [{ betId: 'b4', amount: 7 }]), seat('a', 'join-a-2'), bet('b5', 3),
      roll(2, [4, 4], [{ betId: 'b2', outcome: 'win', amount: 20, payout: 24 }, { betId: 'b5', outcome: 'push', amount: 3, payout: 0 }]),
      leave('b'), closed,
    ];
    // the figures that do not depend on when events were published
    const counted = (st: StatsState) => {
      const { gamesPerSecond: _r, averageGameLengthMs: _l, eventsFolded: _e, ...rest } = figures(st);
      return JSON.parse(JSON.stringify({ ...rest, pot: totalPot(st), games: Object.fromEntries(Object.entries(st.games).map(([id, x]) => [id, { ...x, createdAt: 0 }])) }));
    };
    seq = 0;
    const expected: unknown[] = [];
    story.reduce((st, f) => (expected.push(counted(fold(st, ev(f)))), st), emptyStats());
    fc.assert(
      // replays: after story fact `after`, the answer of an earlier (or the same) fact again
      fc.property(fc.array(fc.record({ after: fc.nat(story.length - 1), which: fc.nat() }), { maxLength: 30 }), (replays) => {
        seq = 0;
        const st = emptyStats();
        story.forEach((f, i) => {
          fold(st, ev(f));
          for (const r of replays.filter((x) => x.after === i)) fold(st, ev(story[r.which % (i + 1)]!));
          expect(counted(st)).toEqual(expected[i]);
        });
      }),
    );
    expect(expected.at(-1)).toMatchObject({ totalGames: 1, closedGames: 1, totalRolls: 2, totalBets: 4, totalVolume: 40, houseProfit: -14, seatedPlayers: 0, peakPlayers: 2, pot: 0 });
  });
});
