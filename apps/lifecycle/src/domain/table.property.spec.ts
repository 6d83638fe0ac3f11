import fc from 'fast-check';
import { BET_TYPES, type BetType } from '@bitcraps/contracts';
import { recordBet, removeBet } from './bets';
import { ANN, BOB, CY, DI, GAME_ID, T0, tableWith } from './fixtures';
import { applyRollTo, checkShooter } from './rolls';
import { seatPlayer, unseatPlayer } from './seats';
import type { Decision, GameRecord } from './game';

/** Steps a saga could send; ids are few, so replays and collisions happen. */
const NUMBERED: Partial<Record<BetType, number[]>> = { place: [4, 5, 6, 8, 9, 10], hardway: [4, 6, 8, 10], come_odds: [4, 5, 6, 8, 9, 10], dont_come_odds: [4, 5, 6, 8, 9, 10] };
const betArb = fc
  .record({
    betId: fc.integer({ min: 1, max: 60 }).map((n) => `b${n}`),
    player: fc.constantFrom(ANN, BOB, CY),
    type: fc.constantFrom<BetType>(...BET_TYPES),
    pick: fc.nat(),
    amount: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ pick, ...b }) => {
    const numbers = NUMBERED[b.type];
    return { kind: 'bet' as const, ...b, number: numbers ? numbers[pick % numbers.length] : undefined };
  });
const stepArb = fc.oneof(
  { weight: 8, arbitrary: betArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), betId: fc.integer({ min: 1, max: 60 }).map((n) => `b${n}`) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('roll' as const), d1: fc.integer({ min: 1, max: 6 }), d2: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), player: fc.constantFrom(ANN, BOB, CY, DI), op: fc.integer({ min: 1, max: 5 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('join' as const), player: fc.constantFrom(ANN, BOB, CY, DI), op: fc.integer({ min: 1, max: 5 }), buyIn: fc.integer({ min: 10, max: 500 }) }),
  },
);
type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

function decide(g: GameRecord, s: Step, now: number): Decision<{ ok: boolean }> {
  switch (s.kind) {
    case 'bet':
      return recordBet(g, { gameId: GAME_ID, betId: s.betId, playerId: s.player, type: s.type, amount: s.amount, opId: `o-${s.betId}`, ...(s.number !== undefined ? { number: s.number } : {}) });
    case 'remove':
      return removeBet(g, { gameId: GAME_ID, betId: s.betId, opId: `rm-${s.betId}` });
    case 'leave':
      return unseatPlayer(g, { gameId: GAME_ID, playerId: s.player, opId: `leave-${s.player}-${s.op}` }, now);
    case 'join':
      return seatPlayer(g, { gameId: GAME_ID, playerId: s.player, buyIn: s.buyIn, opId: `join-${s.player}-${s.op}` }, { now, passwordOk: true, tableSlot: true });
    case 'roll': {
      if (!g.shooter) return { reply: { ok: false } };
      const checked = checkShooter(g, { gameId: GAME_ID, playerId: g.shooter, opId: `chk-${g.rollCount + 1}` }, now);
      if (!checked.next || !checked.reply.ok) return checked;
      return applyRollTo(checked.next, { gameId: GAME_ID, rollIndex: checked.reply.rollIndex, dice: [s.d1, s.d2] }, now);
    }
  }
}

describe('the table view, under any sequence of saga steps', () => {
  it('conserves chips: stacks + layout + what left = buy-ins + winnings − losses; replays change nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 120, size: 'max' }), (steps) => {
        let g = tableWith([ANN, BOB, CY], 300);
        let buyIns = 900;
        let left = 0;
        let net = 0;
        steps.forEach((s, i) => {
          const now = T0 + i;
          const d = decide(g, s, now);
          const reply = d.reply as any;
          if (reply.ok && s.kind === 'join' && d.next && d.next.players.length > g.players.length) buyIns += s.buyIn;
          if (reply.ok && s.kind === 'leave' && d.next && g.players.some((p) => p.playerId === s.player)) left += reply.stack;
          if (reply.ok && s.kind === 'roll' && d.next) {
            for (const r of reply.roll.resolutions) net += r.outcome === 'win' ? r.payout : r.outcome === 'lose' ? -r.amount : 0;
          }
          if (d.next) g = d.next;
          // a replay of a step with an op id answers the first answer and writes nothing
          if (s.kind !== 'roll') {
            const again = decide(g, s, now + 1);
            expect(again.next).toBeUndefined();
            if (reply.ok) expect(again.reply).toEqual(d.reply);
          }
          const onTable = g.players.reduce((a, p) => a + p.stack, 0) + g.bets.reduce((a, b) => a + b.amount, 0);
          expect(onTable + left).toBe(buyIns + net);
          expect(g.players.every((p) => p.stack >= 0)).toBe(true);
          expect(g.bets.every((b) => g.players.some((p) => p.playerId === b.playerId))).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });
});
