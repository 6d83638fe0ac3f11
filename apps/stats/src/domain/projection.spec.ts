import fc from 'fast-check';
import { emptyStats, figures, fold } from './projection';
import type { StatsEvent, StatsFact } from './stats-event';

const g = 'g_1';
let seq = 0;
const ev = (fact: StatsFact, at = 1_000 * (seq + 1)): StatsEvent => ({ seq: ++seq, at, fact });

describe('stats projection', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('folds a game: bets, a roll, profit, pot, players, length', () => {
    const s = emptyStats();
    for (const e of [
      ev({ kind: 'game-created', gameId: g }, 0),
      ev({ kind: 'player-seated', gameId: g, playerId: 'a' }),
      ev({ kind: 'player-seated', gameId: g, playerId: 'b' }),
      ev({ kind: 'bet-placed', gameId: g, betId: 'b1', amount: 10 }),
      ev({ kind: 'bet-placed', gameId: g, betId: 'b2', amount: 30 }),
      ev({ kind: 'bet-placed', gameId: g, betId: 'b3', amount: 5 }),
      ev({ kind: 'bet-removed', gameId: g, betId: 'b3' }),
      ev({ kind: 'roll-applied', gameId: g, rollIndex: 1, dice: [3, 4], resolutions: [
        { betId: 'b1', outcome: 'win', amount: 10, payout: 10 },
        { betId: 'b2', outcome: 'lose', amount: 30, payout: 0 },
      ] }),
      ev({ kind: 'player-left', gameId: g, playerId: 'a' }),
      ev({ kind: 'game-closed', gameId: g }, 10_000),
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
    const created = ev({ kind: 'game-created', gameId: g });
    const bet = ev({ kind: 'bet-placed', gameId: g, betId: 'x', amount: 7 });
    for (const e of [created, bet, bet, created]) fold(s, e);
    fold(s, ev({ kind: 'bet-placed', gameId: 'g_unknown', betId: 'y', amount: 9 }));
    expect(figures(s)).toMatchObject({ totalGames: 1, totalBets: 1, totalVolume: 7 });
  });

  it('is deterministic: folding the same log twice gives equal states, whatever was folded before a restart', () => {
    const factArb: fc.Arbitrary<StatsFact> = fc.oneof(
      fc.constantFrom('g1', 'g2').map((gameId) => ({ kind: 'game-created' as const, gameId })),
      fc.record({ gameId: fc.constantFrom('g1', 'g2'), playerId: fc.constantFrom('a', 'b', 'c') }).map((r) => ({ kind: 'player-seated' as const, ...r })),
      fc.record({ gameId: fc.constantFrom('g1', 'g2'), betId: fc.constantFrom('b1', 'b2', 'b3'), amount: fc.integer({ min: 1, max: 100 }) }).map((r) => ({ kind: 'bet-placed' as const, ...r })),
      fc.record({ gameId: fc.constantFrom('g1', 'g2'), d1: fc.integer({ min: 1, max: 6 }), d2: fc.integer({ min: 1, max: 6 }), betId: fc.constantFrom('b1', 'b2', 'b3'), outcome: fc.constantFrom('win' as const, 'lose' as const, 'push' as const) })
        .map((r) => ({ kind: 'roll-applied' as const, gameId: r.gameId, rollIndex: 1, dice: [r.d1, r.d2] as [number, number], resolutions: [{ betId: r.betId, outcome: r.outcome, amount: 5, payout: r.outcome === 'win' ? 5 : 0 }] })),
      fc.constantFrom('g1', 'g2').map((gameId) => ({ kind: 'game-closed' as const, gameId })),
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
      }),
    );
  });
});
