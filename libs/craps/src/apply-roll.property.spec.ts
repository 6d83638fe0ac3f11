import fc from 'fast-check';
import { applyRoll, createTable } from './apply-roll';
import { maxPayoutRatio, payoutRatio } from './payouts';
import { validateBet } from './validate-bet';
import { Bet, BET_TYPES, BetRequest, BetType, Dice, Die, POINT_NUMBERS, RollResult, Table } from './types';

/**
 * Random games: seats, then a sequence of steps, each a handful of bet requests (kept only when
 * validateBet accepts them) followed by a roll. Every roll is checked against the laws below.
 */
const PLAYERS = ['p0', 'p1', 'p2', 'p3'];
const die = fc.integer({ min: 1, max: 6 }) as fc.Arbitrary<Die>;
const request = fc.record({
  type: fc.constantFrom(...BET_TYPES),
  number: fc.oneof({ arbitrary: fc.constantFrom(4, 5, 6, 8, 9, 10), weight: 5 }, { arbitrary: fc.constantFrom(2, 3, 7, 11, 12), weight: 1 }),
  /** 0: give a number to a type that takes none, or none to one that needs it (to be refused). */
  quirk: fc.integer({ min: 0, max: 9 }),
  amount: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10_000 })),
  seat: fc.nat(),
});
const step = fc.record({ requests: fc.array(request, { maxLength: 8 }), dice: fc.tuple(die, die) as fc.Arbitrary<Dice> });
const game = fc.record({
  seats: fc.shuffledSubarray(PLAYERS, { minLength: 1 }),
  shooterSeat: fc.nat(),
  steps: fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }),
});

type Game = typeof game extends fc.Arbitrary<infer G> ? G : never;
type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

const NUMBERED: readonly BetType[] = ['place', 'hardway', 'come_odds', 'dont_come_odds'];

/**
 * A request from random parts, steered toward bets the table may accept: a number only for
 * the types that take one (but see `quirk`), and odds mostly on a number the player's come or
 * don't-come bet has moved to.
 */
function steer(r: Request, playerId: string, bets: readonly Bet[]): BetRequest {
  const takesNumber = NUMBERED.includes(r.type);
  if (takesNumber === (r.quirk === 0)) return { playerId, type: r.type, amount: r.amount };
  let number: number = r.number;
  if ((r.type === 'come_odds' || r.type === 'dont_come_odds') && r.quirk > 2) {
    const base = r.type === 'come_odds' ? 'come' : 'dont_come';
    const points = bets.filter((b) => b.playerId === playerId && b.type === base && b.point != null).map((b) => b.point as number);
    if (points.length > 0) number = points[r.seat % points.length] as number;
  }
  return { playerId, type: r.type, amount: r.amount, number };
}

/** Plays `g`, calling `check` after every roll. */
function play(g: Game, check: (before: Table, bets: readonly Bet[], dice: Dice, result: RollResult) => void): void {
  let table = createTable(g.seats, g.seats[g.shooterSeat % g.seats.length]);
  let bets: Bet[] = [];
  let next = 0;
  for (const s of g.steps) {
    for (const r of s.requests) {
      const req = steer(r, g.seats[r.seat % g.seats.length] as string, bets);
      if (validateBet(table, bets, req).ok) bets.push(Object.freeze({ ...req, betId: `b${next++}` }));
    }
    const frozen = Object.freeze([...bets]);
    const result = applyRoll(Object.freeze(table), frozen, s.dice);
    check(table, frozen, s.dice, result);
    table = result.table;
    bets = result.standing;
  }
}

/** The ratio a win of `resolution`'s bet must have been paid at. */
function ratioFor(before: Table, type: BetType, number: number | undefined, total: number) {
  if (type === 'pass_odds' || type === 'dont_pass_odds') return payoutRatio(type, before.point);
  if (type === 'field') return payoutRatio(type, total);
  return payoutRatio(type, number);
}

const PARAMS = { numRuns: 150 };

describe('applyRoll: laws over random games', () => {
  it('every bet either resolves or stands, exactly once; nothing is lost or duplicated', () => {
    fc.assert(
      fc.property(game, (g) =>
        play(g, (_before, bets, _dice, result) => {
          const out = [...result.resolutions.map((r) => r.betId), ...result.standing.map((b) => b.betId)].sort();
          expect(out).toEqual(bets.map((b) => b.betId).sort());
          expect(new Set(result.resolutions.map((r) => r.betId)).size).toBe(result.resolutions.length);
        }),
      ),
      PARAMS,
    );
  });

  it('a resolved bet never resolves again', () => {
    fc.assert(
      fc.property(game, (g) => {
        const resolved = new Set<string>();
        play(g, (_before, _bets, _dice, result) => {
          for (const r of result.resolutions) {
            expect(resolved.has(r.betId)).toBe(false);
            resolved.add(r.betId);
          }
          for (const b of result.standing) expect(resolved.has(b.betId)).toBe(false);
        });
      }),
      PARAMS,
    );
  });

  it('payouts are whole, non-negative, the table ratio rounded down, 0 unless a win', () => {
    fc.assert(
      fc.property(game, (g) =>
        play(g, (before, bets, dice, result) => {
          for (const r of result.resolutions) {
            const bet = bets.find((b) => b.betId === r.betId) as Bet;
            expect(r).toMatchObject({ playerId: bet.playerId, type: bet.type, amount: bet.amount, number: bet.number });
            expect(Number.isSafeInteger(r.payout) && r.payout >= 0).toBe(true);
            if (r.outcome !== 'win') {
              expect(r.payout).toBe(0);
              continue;
            }
            const ratio = ratioFor(before, r.type, r.number, dice[0] + dice[1]);
            const max = maxPayoutRatio(r.type, r.number);
            if (!ratio || !max) throw new Error(`no ratio for ${r.type} ${r.number}`);
            expect(r.payout * max.den).toBeLessThanOrEqual(r.amount * max.num);
            expect(BigInt(r.payout)).toBe((BigInt(r.amount) * BigInt(ratio.num)) / BigInt(ratio.den));
          }
        }),
      ),
      PARAMS,
    );
  });

  it('the dice pass only on a seven-out, to the next seat', () => {
    fc.assert(
      fc.property(game, (g) =>
        play(g, (before, _bets, dice, result) => {
          const sevenOut = before.phase === 'point' && dice[0] + dice[1] === 7;
          expect(result.sevenOut).toBe(sevenOut);
          if (sevenOut) {
            const at = before.seats.indexOf(before.shooter as string);
            const expected = before.seats[(at + 1) % before.seats.length];
            expect(result.nextShooter).toBe(expected);
            expect(result.table.shooter).toBe(expected);
          } else {
            expect(result.nextShooter).toBeNull();
            expect(result.table.shooter).toBe(before.shooter);
          }
          expect(result.table.seats).toEqual(before.seats);
        }),
      ),
      PARAMS,
    );
  });

  it('phase and point never disagree, and every roll is counted', () => {
    fc.assert(
      fc.property(game, (g) =>
        play(g, (before, _bets, dice, result) => {
          const { phase, point, rollCount } = result.table;
          expect(phase === 'come-out').toBe(point === null);
          if (point !== null) expect(POINT_NUMBERS).toContain(point);
          expect(rollCount).toBe(before.rollCount + 1);
          expect(result.total).toBe(dice[0] + dice[1]);
          expect(result.hard).toBe(dice[0] === dice[1]);
        }),
      ),
      PARAMS,
    );
  });

  it('moved bets are come / don\'t-come bets now on the rolled number, standing; all other standing bets are unchanged', () => {
    fc.assert(
      fc.property(game, (g) =>
        play(g, (_before, bets, _dice, result) => {
          const movedIds = new Set(result.moved.map((b) => b.betId));
          for (const m of result.moved) {
            expect(['come', 'dont_come']).toContain(m.type);
            expect(m.point).toBe(result.total);
            expect(result.standing).toContain(m);
            expect(bets.find((b) => b.betId === m.betId)?.point ?? null).toBeNull();
          }
          for (const s of result.standing) if (!movedIds.has(s.betId)) expect(bets).toContain(s);
        }),
      ),
      PARAMS,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(game, (g) =>
        play(g, (before, bets, dice, result) => {
          expect(applyRoll(before, bets, dice)).toEqual(result);
        }),
      ),
      { numRuns: 50 },
    );
  });

  it('the random games reach every bet type and every outcome', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(game, (g) =>
        play(g, (_before, _bets, _dice, result) => {
          for (const r of result.resolutions) seen.add(`${r.type} ${r.outcome}`);
        }),
      ),
      { numRuns: 200, seed: 42 },
    );
    for (const type of BET_TYPES) {
      expect(seen).toContain(`${type} win`);
      expect(seen).toContain(`${type} lose`);
    }
    expect(seen).toContain('dont_pass push');
    expect(seen).toContain('dont_come push');
  });
});
