import fc from 'fast-check';
import { AccountSchema, HISTORY_LIMIT, openAccount, type Account, type Action } from './account';
import { answerOf, decideMovement, replayAnswer, type WalletAnswer, type WalletOp } from './wallet';

const pid = 'p_00000000-0000-4000-8000-000000000001';
const t0 = new Date('2026-01-01T00:00:00Z');
const open = (deposit: number) => openAccount({ playerId: pid, name: 'Ann', deposit }, t0);
const debit = (opId: string, amount: number): WalletOp => ({ kind: 'debit', opId, amount, reason: 'test' });
const credit = (opId: string, amount: number): WalletOp => ({ kind: 'credit', opId, amount, reason: 'test' });

/**
 * The shell's algorithm over plain values (what WalletMovements does against KV): op
 * record, else ring, else decide; records of evicted actions before the account write;
 * the op's own record after it, unless the process "crashes" between the two writes.
 */
class Model {
  readonly records = new Map<string, Action>();
  private clock = t0.getTime();
  constructor(
    public account: Account,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  handle(op: WalletOp, crashBeforeRecord = false): WalletAnswer {
    const recorded = this.records.get(op.opId);
    if (recorded) return replayAnswer(pid, recorded, op);
    const d = decideMovement(this.account, op, new Date((this.clock += 1_000)), this.limit);
    if (d.kind === 'replay') {
      this.remember(d.prior);
      return d.answer;
    }
    for (const e of d.evicted) this.remember(e);
    this.account = AccountSchema.parse(d.next);
    if (!crashBeforeRecord) this.remember(d.action);
    return d.answer;
  }

  private remember(a: Action): void {
    if (!this.records.has(a.opId)) this.records.set(a.opId, a);
  }
}

describe('wallet movements', () => {
  it('debits and credits, recording the action and the activity time', () => {
    const now = new Date('2026-01-01T00:05:00Z');
    const d = decideMovement(open(100), debit('s1:buy-in', 30), now);
    expect(d.kind).toBe('apply');
    if (d.kind !== 'apply') return;
    expect(d.answer).toEqual({ ok: true, playerId: pid, opId: 's1:buy-in', amount: 30, balance: 70, at: now.toISOString() });
    expect(d.next).toMatchObject({ balance: 70, lastActiveAt: now.toISOString(), totals: { deposited: 100, credited: 0, debited: 30 } });
    expect(d.next.history.at(-1)).toEqual({ opId: 's1:buy-in', kind: 'debit', amount: 30, balanceAfter: 70, reason: 'test', at: now.toISOString() });
    const c = decideMovement(d.next, credit('s2:cash-out', 5), now);
    expect(c.kind === 'apply' && c.next.balance).toBe(75);
    expect(c.kind === 'apply' && c.next.totals.credited).toBe(5);
  });

  it('refuses an overdraft, changes no balance, and remembers the refusal', () => {
    const d = decideMovement(open(10), debit('s1:buy-in', 15), t0);
    if (d.kind !== 'apply') throw new Error('expected a decision');
    expect(d.answer).toEqual({ ok: false, code: 'INSUFFICIENT_BALANCE', message: 'the wallet holds 10, 15 needed' });
    expect(d.next.balance).toBe(10);
    expect(d.next.totals.debited).toBe(0);
    expect(d.action.refused?.code).toBe('INSUFFICIENT_BALANCE');
    // the first answer is final: more chips later do not turn the refusal into a debit
    const credited = decideMovement(d.next, credit('s2:win', 100), t0);
    if (credited.kind !== 'apply') throw new Error('expected a decision');
    expect(decideMovement(credited.next, debit('s1:buy-in', 15), t0)).toMatchObject({ kind: 'replay', answer: d.answer });
  });

  it('allows a debit of the whole balance', () => {
    const d = decideMovement(open(15), debit('a', 15), t0);
    expect(d.answer).toMatchObject({ ok: true, balance: 0 });
  });

  it('answers a replay from the ring with the first answer and writes nothing', () => {
    const first = decideMovement(open(50), debit('a', 20), t0);
    if (first.kind !== 'apply') throw new Error('expected a decision');
    const again = decideMovement(first.next, debit('a', 20), new Date('2027-01-01T00:00:00Z'));
    expect(again).toEqual({ kind: 'replay', prior: first.action, answer: first.answer });
  });

  it('refuses an opId reused for another amount or kind, without changing anything', () => {
    const first = decideMovement(open(50), debit('a', 20), t0);
    if (first.kind !== 'apply') throw new Error('expected a decision');
    for (const op of [debit('a', 21), credit('a', 20), debit(`open:${pid}`, 50)]) {
      const d = decideMovement(first.next, op, t0);
      expect(d).toMatchObject({ kind: 'replay', answer: { ok: false, code: 'IDEMPOTENCY_KEY_REUSED' } });
    }
  });

  it('refuses a credit that would pass the largest safe amount', () => {
    const rich = { ...open(Number.MAX_SAFE_INTEGER - 1) };
    expect(decideMovement(rich, credit('a', 1), t0).answer).toMatchObject({ ok: true, balance: Number.MAX_SAFE_INTEGER });
    expect(decideMovement(rich, credit('a', 2), t0).answer).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('keeps the last HISTORY_LIMIT actions and hands out the evicted ones', () => {
    let account = open(1_000);
    const evicted: Action[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      const d = decideMovement(account, credit(`c${i}`, 1), t0);
      if (d.kind !== 'apply') throw new Error('expected a decision');
      evicted.push(...d.evicted);
      account = AccountSchema.parse(d.next);
    }
    expect(account.history).toHaveLength(HISTORY_LIMIT);
    expect(account.history[0].opId).toBe('c5');
    expect(evicted.map((a) => a.opId)).toEqual([`open:${pid}`, 'c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('builds the answer of an action', () => {
    const action: Action = { opId: 'x', kind: 'credit', amount: 3, balanceAfter: 9, reason: 'r', at: 'now' };
    expect(answerOf(pid, action)).toEqual({ ok: true, playerId: pid, opId: 'x', amount: 3, balance: 9, at: 'now' });
    expect(answerOf(pid, { ...action, refused: { code: 'INSUFFICIENT_BALANCE', message: 'm' } })).toEqual({ ok: false, code: 'INSUFFICIENT_BALANCE', message: 'm' });
  });
});

describe('wallet laws (properties)', () => {
  const movement = fc.record({ kind: fc.constantFrom<'debit' | 'credit'>('debit', 'credit'), amount: fc.integer({ min: 1, max: 60 }) });
  const ops = (n = 60) => fc.array(movement, { maxLength: n }).map((ms) => ms.map((m, i) => ({ ...m, opId: `s_${i}:step`, reason: 'prop' }) as WalletOp));
  const deposit = fc.integer({ min: 0, max: 300 });
  const ring = fc.integer({ min: 1, max: 8 }); // small rings, so that evictions happen often

  it('never lets a balance go negative, and refuses exactly the debits larger than the balance', () => {
    fc.assert(
      fc.property(deposit, ops(), (dep, list) => {
        const m = new Model(open(dep));
        for (const op of list) {
          const before = m.account.balance;
          const answer = m.handle(op);
          expect(m.account.balance).toBeGreaterThanOrEqual(0);
          expect(answer.ok).toBe(op.kind === 'credit' || op.amount <= before);
        }
      }),
    );
  });

  it('balance = deposits + credits − debits, in the totals and in the answers', () => {
    fc.assert(
      fc.property(deposit, ops(), ring, (dep, list, limit) => {
        const m = new Model(open(dep), limit);
        let expected = dep;
        for (const op of list) {
          const answer = m.handle(op);
          if (answer.ok) expected += op.kind === 'credit' ? op.amount : -op.amount;
        }
        const { balance, totals } = m.account;
        expect(balance).toBe(expected);
        expect(balance).toBe(totals.deposited + totals.credited - totals.debited);
      }),
    );
  });

  it('applying a sequence twice gives the balance and the answers of applying it once', () => {
    fc.assert(
      fc.property(deposit, ops(), ring, (dep, list, limit) => {
        const once = new Model(open(dep), limit);
        const first = list.map((op) => once.handle(op));
        const twice = new Model(open(dep), limit);
        list.forEach((op) => twice.handle(op));
        const again = list.map((op) => twice.handle(op));
        expect(again).toEqual(first);
        expect(twice.account.balance).toBe(once.account.balance);
        expect(twice.account.totals).toEqual(once.account.totals);
      }),
    );
  });

  it('replays interleaved anywhere, with crashes between the two writes, have one effect and answer the first answer', () => {
    const schedule = fc.record({
      dep: deposit,
      list: ops(40),
      limit: ring,
      // replays of op #index inserted at position #at of the schedule
      replays: fc.array(fc.record({ index: fc.nat(), at: fc.nat() }), { maxLength: 60 }),
      crashes: fc.array(fc.boolean(), { maxLength: 100 }),
    });
    fc.assert(
      fc.property(schedule, ({ dep, list, limit, replays, crashes }) => {
        if (list.length === 0) return;
        const order = list.map((_, i) => i);
        for (const r of replays) order.splice(r.at % (order.length + 1), 0, r.index % list.length);

        const withReplays = new Model(open(dep), limit);
        const firstAnswer = new Map<number, WalletAnswer>();
        order.forEach((i, step) => {
          const answer = withReplays.handle(list[i], crashes[step % Math.max(1, crashes.length)] ?? false);
          if (!firstAnswer.has(i)) firstAnswer.set(i, answer);
          else expect(answer).toEqual(firstAnswer.get(i));
        });

        // the same movements once each, in the order they first arrived
        const reference = new Model(open(dep), limit);
        const firstSeen = [...new Set(order)];
        const referenceAnswers = firstSeen.map((i) => reference.handle(list[i]));
        expect(firstSeen.map((i) => firstAnswer.get(i)!.ok)).toEqual(referenceAnswers.map((a) => a.ok));
        expect(withReplays.account.balance).toBe(reference.account.balance);
        expect(withReplays.account.totals).toEqual(reference.account.totals);
      }),
      { numRuns: 300 },
    );
  });
});
