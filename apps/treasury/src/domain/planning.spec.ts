import fc from 'fast-check';
import { BET_TYPES, type BetType } from '@bitcraps/craps';
import { stackAccount, type LedgerEntry, type PayloadOf, type SettleRoll } from '@bitcraps/contracts';
import { Ledger, isClearing } from './ledger';
import { riskableBankroll } from './exposure';
import {
  decideCashOut,
  decideCredit,
  decideEscrow,
  decideFund,
  decideRelease,
  decideReverse,
  decideSeed,
  decideSettle,
  runLocally,
  slots,
  type Decision,
} from './planning';

const G1 = 'g_00000000-0000-4000-8000-000000000001';
const G2 = 'g_00000000-0000-4000-8000-000000000002';
const P1 = 'p_00000000-0000-4000-8000-000000000001';
const P2 = 'p_00000000-0000-4000-8000-000000000002';
const AT = '2026-01-01T00:00:00.000Z';
const RESERVE = 0.1;

function seeded(bankroll = 1_000_000): Ledger {
  const l = new Ledger();
  runLocally(l, (x) => decideSeed(x, bankroll, AT));
  return l;
}

const run = <R>(l: Ledger, decide: (l: Ledger) => Decision<R>) => runLocally(l, decide);
const credit = (l: Ledger, opId: string, amount: number, gameId = G1, playerId = P1) => run(l, (x) => decideCredit(x, { opId, gameId, playerId, amount }, AT));
const escrow = (l: Ledger, betId: string, amount: number, type: BetType = 'pass', gameId = G1, playerId = P1, number?: number) =>
  run(l, (x) => decideEscrow(x, { betId, gameId, playerId, type, amount, number }, AT, RESERVE));
const settle = (l: Ledger, cmd: PayloadOf<typeof SettleRoll>) => run(l, (x) => decideSettle(x, cmd, AT));

describe('planning', () => {
  it('seeds the bankroll once', () => {
    const l = seeded(500);
    expect(run(l, (x) => decideSeed(x, 900, AT)).appended).toEqual([]);
    expect(l.audit()).toMatchObject({ bankroll: 500, initialBankroll: 500 });
    const empty = new Ledger();
    expect(run(empty, (x) => decideSeed(x, 0, AT)).appended).toMatchObject([{ type: 'mark', kind: 'empty' }]);
    expect(run(empty, (x) => decideSeed(x, 10, AT)).appended).toEqual([]);
  });

  it('credits a buy-in once and answers a replay with the first answer', () => {
    const l = seeded();
    expect(credit(l, 's_1:credit', 300).reply).toEqual({ ok: true, credited: 300, stack: 300 });
    expect(credit(l, 's_2:credit', 200).reply).toEqual({ ok: true, credited: 200, stack: 500 });
    const again = credit(l, 's_1:credit', 300);
    expect(again).toEqual({ reply: { ok: true, credited: 300, stack: 300 }, appended: [] });
    expect(credit(l, 's_1:credit', 301).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(l.balance(stackAccount(G1, P1))).toBe(500);
  });

  it('reverses only what the credit moved, once; before the credit it bars it', () => {
    const l = seeded();
    credit(l, 'a', 300);
    credit(l, 'b', 100);
    const reverse = (opId: string) => run(l, (x) => decideReverse(x, { opId, gameId: G1, playerId: P1 }, AT)).reply;
    expect(reverse('a')).toEqual({ ok: true, reversed: 300 });
    expect(reverse('a')).toEqual({ ok: true, reversed: 300 });
    expect(l.balance(stackAccount(G1, P1))).toBe(100);
    // the reversal arrives first: nothing moves, and the late credit is refused for good
    expect(reverse('c')).toEqual({ ok: true, reversed: 0 });
    expect(credit(l, 'c', 50).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(credit(l, 'c', 50).appended).toEqual([]);
    expect(reverse('c')).toEqual({ ok: true, reversed: 0 });
    expect(l.balance(stackAccount(G1, P1))).toBe(100);
    // a stack that no longer holds the credit: refused, nothing moved, may be retried
    escrow(l, 'bet-1', 60);
    expect(reverse('b')).toMatchObject({ ok: false, code: 'INSUFFICIENT_STACK' });
    run(l, (x) => decideRelease(x, { betId: 'bet-1', gameId: G1, playerId: P1 }, AT));
    expect(reverse('b')).toEqual({ ok: true, reversed: 100 });
    expect(l.audit()).toMatchObject({ walletsIn: 400, walletsOut: 400, stacks: 0, balanced: true });
  });

  it('escrows a stake when the stack holds it, refusing for good otherwise', () => {
    const l = seeded();
    credit(l, 'c', 100);
    expect(escrow(l, 'b1', 70, 'yo').reply).toEqual({ ok: true, stack: 30, worstCase: 70 * 15 });
    expect(escrow(l, 'b1', 70, 'yo').appended).toEqual([]);
    expect(escrow(l, 'b2', 31).reply).toMatchObject({ ok: false, code: 'INSUFFICIENT_STACK' });
    credit(l, 'd', 100);
    // the refusal stands for that bet, even now that the stack could pay
    expect(escrow(l, 'b2', 31).reply).toMatchObject({ ok: false, code: 'INSUFFICIENT_STACK' });
    expect(escrow(l, 'b3', 10, 'place', G1, P1, 7).reply).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED' });
    expect(escrow(l, 'b1', 71, 'yo').reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(l.audit()).toMatchObject({ escrow: 70, openExposure: 1_050, openBets: 1 });
  });

  it('refuses a bet the bankroll cannot cover while keeping the reserve', () => {
    // riskable: 1 000 − 100 = 900
    const l = seeded(1_000);
    credit(l, 'c', 1_000);
    expect(escrow(l, 'b1', 20, 'aces').reply).toMatchObject({ ok: true, worstCase: 600 });
    expect(escrow(l, 'b2', 11, 'aces').reply).toMatchObject({ ok: false, code: 'HOUSE_CANNOT_COVER' });
    expect(escrow(l, 'b3', 10, 'aces').reply).toMatchObject({ ok: true, worstCase: 300 });
    expect(escrow(l, 'b4', 1, 'field').reply).toMatchObject({ ok: false, code: 'HOUSE_CANNOT_COVER' });
    // a lost bet frees its worst case and grows the bankroll
    settle(l, { gameId: G1, rollIndex: 0, resolutions: [{ betId: 'b1', playerId: P1, outcome: 'lose', amount: 20, payout: 0 }] });
    expect(l.audit()).toMatchObject({ bankroll: 1_020, openExposure: 300 });
    expect(escrow(l, 'b5', 20, 'aces').reply).toMatchObject({ ok: true });
  });

  it('releases an escrowed stake once; before the escrow it bars it', () => {
    const l = seeded();
    credit(l, 'c', 100);
    escrow(l, 'b1', 40);
    const release = (betId: string) => run(l, (x) => decideRelease(x, { betId, gameId: G1, playerId: P1 }, AT)).reply;
    expect(release('b1')).toEqual({ ok: true, released: 40 });
    expect(release('b1')).toEqual({ ok: true, released: 40 });
    expect(l.balance(stackAccount(G1, P1))).toBe(100);
    expect(release('b2')).toEqual({ ok: true, released: 0 });
    expect(escrow(l, 'b2', 10).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(l.audit()).toMatchObject({ escrow: 0, openExposure: 0, stacks: 100 });
  });

  it('settles wins, losses and pushes exactly once, even when replayed or resumed half way', () => {
    const l = seeded(10_000);
    credit(l, 'c1', 1_000, G1, P1);
    credit(l, 'c2', 1_000, G1, P2);
    escrow(l, 'w', 100, 'place', G1, P1, 6); // wins 7:6 → 116
    escrow(l, 'x', 50, 'pass', G1, P2);
    escrow(l, 'p', 30, 'dont_pass', G1, P2);
    const cmd = {
      gameId: G1,
      rollIndex: 3,
      resolutions: [
        { betId: 'w', playerId: P1, outcome: 'win' as const, amount: 100, payout: 116 },
        { betId: 'x', playerId: P2, outcome: 'lose' as const, amount: 50, payout: 0 },
        { betId: 'p', playerId: P2, outcome: 'push' as const, amount: 30, payout: 0 },
        { betId: 'ghost', playerId: P2, outcome: 'win' as const, amount: 5, payout: 5 },
      ],
    };
    // a crash after the first leg: only the payout is on the ledger
    const first = decideSettle(l, cmd, AT) as { append: LedgerEntry };
    expect(first.append).toMatchObject({ kind: 'win-payout', amount: 116, transferId: slots.payout('w') });
    l.apply(l.lastSequence + 1, first.append);
    const answer = { ok: true, settled: 3, void: ['ghost'], returned: 130, paid: 116, collected: 50 };
    expect(settle(l, cmd).reply).toEqual(answer);
    expect(settle(l, cmd)).toEqual({ reply: answer, appended: [] });
    expect(l.balance(stackAccount(G1, P1))).toBe(1_000 + 116);
    expect(l.balance(stackAccount(G1, P2))).toBe(1_000 - 50);
    expect(l.audit()).toMatchObject({ bankroll: 10_000 - 116 + 50, escrow: 0, openExposure: 0, openBets: 0, balanced: true });
    // the voided bet can never be escrowed now
    expect(escrow(l, 'ghost', 5, 'pass', G1, P2).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    // nor can a settled bet be released
    expect(run(l, (x) => decideRelease(x, { betId: 'w', gameId: G1, playerId: P1 }, AT)).reply).toEqual({ ok: true, released: 0 });
  });

  it('refuses a settlement that disagrees with the escrow, moving nothing', () => {
    const l = seeded();
    credit(l, 'c', 100);
    escrow(l, 'a', 10, 'pass');
    escrow(l, 'b', 10, 'pass');
    const before = l.lastSequence;
    const bad = [
      { betId: 'b', playerId: P1, outcome: 'win' as const, amount: 11, payout: 11 },
      { betId: 'b', playerId: P2, outcome: 'win' as const, amount: 10, payout: 10 },
      { betId: 'b', playerId: P1, outcome: 'lose' as const, amount: 10, payout: 3 },
      { betId: 'b', playerId: P1, outcome: 'win' as const, amount: 10, payout: 11 },
    ];
    for (const r of bad) {
      const cmd = { gameId: G1, rollIndex: 1, resolutions: [{ betId: 'a', playerId: P1, outcome: 'lose' as const, amount: 10, payout: 0 }, r] };
      expect(settle(l, cmd).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    }
    expect(settle(l, { gameId: G2, rollIndex: 1, resolutions: [{ betId: 'a', playerId: P1, outcome: 'lose', amount: 10, payout: 0 }] }).reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(l.lastSequence).toBe(before);
  });

  it('cashes a stack out once, answering the first amount even after a later buy-in', () => {
    const l = seeded();
    credit(l, 'c', 250);
    const cashOut = (opId: string) => run(l, (x) => decideCashOut(x, { opId, gameId: G1, playerId: P1 }, AT)).reply;
    expect(cashOut('o1')).toEqual({ ok: true, amount: 250 });
    expect(cashOut('o2')).toEqual({ ok: true, amount: 0 });
    credit(l, 'd', 40);
    expect(cashOut('o1')).toEqual({ ok: true, amount: 250 });
    expect(cashOut('o2')).toEqual({ ok: true, amount: 0 });
    expect(l.balance(stackAccount(G1, P1))).toBe(40);
  });

  it('adds to the bankroll once per op', () => {
    const l = seeded(1_000);
    const fund = (opId: string, amount: number) => run(l, (x) => decideFund(x, { opId, amount }, AT)).reply;
    expect(fund('f1', 500)).toEqual({ ok: true, bankroll: 1_500 });
    expect(fund('f1', 500)).toEqual({ ok: true, bankroll: 1_500 });
    expect(fund('f1', 400)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(l.audit()).toMatchObject({ bankroll: 1_500, initialBankroll: 1_000, bankrollAdditions: 500, balanced: true });
  });
});

describe('planning properties', () => {
  type Step =
    | { t: 'credit'; op: number; game: number; player: number; amount: number }
    | { t: 'reverse'; op: number; game: number; player: number }
    | { t: 'escrow'; bet: number; game: number; player: number; type: BetType; amount: number }
    | { t: 'release'; bet: number; game: number; player: number }
    | { t: 'settle'; game: number; roll: number; pick: number[] }
    | { t: 'cashOut'; op: number; game: number; player: number }
    | { t: 'fund'; op: number; amount: number };

  const games = [G1, G2];
  const players = [P1, P2];
  const idx = fc.integer({ min: 0, max: 1 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ t: fc.constant('credit' as const), op: fc.integer({ min: 0, max: 6 }), game: idx, player: idx, amount: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ t: fc.constant('reverse' as const), op: fc.integer({ min: 0, max: 6 }), game: idx, player: idx }),
    fc.record({ t: fc.constant('escrow' as const), bet: fc.integer({ min: 0, max: 15 }), game: idx, player: idx, type: fc.constantFrom(...BET_TYPES), amount: fc.integer({ min: 1, max: 120 }) }),
    fc.record({ t: fc.constant('escrow' as const), bet: fc.integer({ min: 0, max: 15 }), game: idx, player: idx, type: fc.constantFrom(...BET_TYPES), amount: fc.integer({ min: 1, max: 120 }) }),
    fc.record({ t: fc.constant('release' as const), bet: fc.integer({ min: 0, max: 15 }), game: idx, player: idx }),
    fc.record({ t: fc.constant('settle' as const), game: idx, roll: fc.integer({ min: 0, max: 3 }), pick: fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 6 }) }),
    fc.record({ t: fc.constant('cashOut' as const), op: fc.integer({ min: 0, max: 3 }), game: idx, player: idx }),
    fc.record({ t: fc.constant('fund' as const), op: fc.integer({ min: 0, max: 2 }), amount: fc.integer({ min: 1, max: 5_000 }) }),
  );

  /** Turns a step into a concrete command against the current books (settle picks open bets). */
  function decisionOf(l: Ledger, s: Step): { key: string; decide: (l: Ledger) => Decision<unknown>; sticky: boolean } {
    const at = AT;
    switch (s.t) {
      case 'credit': {
        const cmd = { opId: `op${s.op}`, gameId: games[s.game]!, playerId: players[s.player]!, amount: s.amount };
        return { key: JSON.stringify(['credit', cmd]), decide: (x) => decideCredit(x, cmd, at), sticky: true };
      }
      case 'reverse': {
        const cmd = { opId: `op${s.op}`, gameId: games[s.game]!, playerId: players[s.player]! };
        return { key: JSON.stringify(['reverse', cmd]), decide: (x) => decideReverse(x, cmd, at), sticky: false };
      }
      case 'escrow': {
        const cmd = { betId: `b${s.bet}`, gameId: games[s.game]!, playerId: players[s.player]!, type: s.type, amount: s.amount };
        return { key: JSON.stringify(['escrow', cmd]), decide: (x) => decideEscrow(x, cmd, at, RESERVE), sticky: true };
      }
      case 'release': {
        const cmd = { betId: `b${s.bet}`, gameId: games[s.game]!, playerId: players[s.player]! };
        return { key: JSON.stringify(['release', cmd]), decide: (x) => decideRelease(x, cmd, at), sticky: false };
      }
      case 'settle': {
        const open = l.openBetsOf(games[s.game]!);
        const chosen = [...new Set(s.pick.map((p) => open[p % Math.max(open.length, 1)]).filter((b) => b !== undefined))];
        const resolutions = chosen.map((b, i) => {
          const outcome = (['win', 'lose', 'push'] as const)[(s.pick[i]! + i) % 3]!;
          return { betId: b!.betId, playerId: b!.playerId as string, outcome, amount: b!.amount, payout: outcome === 'win' ? Math.floor((b!.worstCase * (s.pick[i]! % 4)) / 3) : 0 };
        });
        const cmd = { gameId: games[s.game]!, rollIndex: s.roll, resolutions };
        return { key: JSON.stringify(['settle', cmd]), decide: (x) => decideSettle(x, cmd, at), sticky: false };
      }
      case 'cashOut': {
        const cmd = { opId: `co${s.op}`, gameId: games[s.game]!, playerId: players[s.player]! };
        return { key: JSON.stringify(['cashOut', cmd]), decide: (x) => decideCashOut(x, cmd, at), sticky: true };
      }
      case 'fund': {
        const cmd = { opId: `f${s.op}`, amount: s.amount };
        return { key: JSON.stringify(['fund', cmd]), decide: (x) => decideFund(x, cmd, at), sticky: true };
      }
    }
  }

  it('keeps the books balanced, the reserve untouched and every first answer, through any commands and replays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.array(step, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 30 }), (bankroll, steps, replays) => {
        const l = seeded(bankroll);
        const first = new Map<string, { reply: unknown; sticky: boolean; decide: (l: Ledger) => Decision<unknown> }>();
        const done: string[] = [];
        const check = () => {
          let total = 0;
          for (const [id, { balance }] of l.allAccounts()) {
            total += balance;
            if (!isClearing(id)) expect(balance).toBeGreaterThanOrEqual(0);
          }
          expect(total).toBe(0);
          const audit = l.audit();
          expect(audit.balanced).toBe(true);
          expect(audit.openExposure).toBeLessThanOrEqual(riskableBankroll(audit.bankroll, RESERVE));
          expect(l.rejected).toBe(0);
        };
        steps.forEach((s, i) => {
          const { key, decide, sticky } = decisionOf(l, s);
          const { reply } = runLocally(l, decide);
          const earlier = first.get(key);
          if (earlier && ((earlier.reply as { ok: boolean }).ok || earlier.sticky)) expect(reply).toEqual(earlier.reply);
          if (!earlier) first.set(key, { reply, sticky, decide });
          done.push(key);
          check();
          // replay an earlier command now and then: nothing moves, the first answer comes back
          const r = replays[i];
          if (r !== undefined && done.length > 0) {
            const again = first.get(done[r % done.length]!)!;
            const before = l.audit();
            const replayed = runLocally(l, again.decide);
            if ((again.reply as { ok: boolean }).ok || again.sticky) {
              expect(replayed.reply).toEqual(again.reply);
              expect(replayed.appended).toEqual([]);
              expect(l.audit()).toEqual(before);
            }
            check();
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
