import { AccountSchema, openAccount, type Account } from './account';
import { decideMovement } from './wallet';
import { RECENT_ACTIVITY_LIMIT, SESSION_LIMIT, touchSession } from './sessions';

const id = 'p_00000000-0000-4000-8000-000000000001';
const IDLE = 30 * 60_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const after = (ms: number) => new Date(t0.getTime() + ms);
const open = () => openAccount({ playerId: id, name: 'Ann', deposit: 100 }, t0);

describe('sessions', () => {
  it('registration opens the first session', () => {
    const a = open();
    expect(a.sessions).toEqual([{ sessionId: 'ses-1', startedAt: t0.toISOString(), lastActivityAt: t0.toISOString(), actions: 1 }]);
    expect(a.lastActiveAt).toBe(t0.toISOString());
  });

  it('an activity within the idle time extends the session', () => {
    const a = touchSession(touchSession(open(), after(IDLE), 'x1', IDLE), after(2 * IDLE), 'x2', IDLE);
    expect(a.sessions).toEqual([{ sessionId: 'ses-1', startedAt: t0.toISOString(), lastActivityAt: after(2 * IDLE).toISOString(), actions: 3 }]);
    expect(a.lastActiveAt).toBe(after(2 * IDLE).toISOString());
  });

  it('a gap longer than the idle time opens a new session', () => {
    const a = touchSession(open(), after(IDLE + 1), 'x1', IDLE);
    expect(a.sessions).toEqual([
      { sessionId: 'ses-1', startedAt: t0.toISOString(), lastActivityAt: t0.toISOString(), actions: 1 },
      { sessionId: 'ses-2', startedAt: after(IDLE + 1).toISOString(), lastActivityAt: after(IDLE + 1).toISOString(), actions: 1 },
    ]);
  });

  it('keeps the last SESSION_LIMIT sessions, their ids still counting up', () => {
    let a: Account = open();
    for (let i = 1; i <= SESSION_LIMIT + 5; i++) a = touchSession(a, after(i * (IDLE + 1)), `x${i}`, IDLE);
    expect(a.sessions).toHaveLength(SESSION_LIMIT);
    expect(a.sessions[0].sessionId).toBe('ses-7');
    expect(a.sessions[SESSION_LIMIT - 1]).toMatchObject({ sessionId: `ses-${SESSION_LIMIT + 6}`, startedAt: after((SESSION_LIMIT + 5) * (IDLE + 1)).toISOString() });
    expect(AccountSchema.parse(a)).toEqual(a);
  });

  it('a replayed activity id counts once and writes nothing', () => {
    const once = touchSession(open(), after(1_000), 'x1', IDLE);
    expect(touchSession(once, after(1_000), 'x1', IDLE)).toBe(once);
    expect(touchSession(once, after(5_000), 'x1', IDLE)).toBe(once);
    expect(once.sessions[0].actions).toBe(2);
  });

  it('remembers a bounded number of activity ids', () => {
    let a: Account = open();
    for (let i = 0; i < RECENT_ACTIVITY_LIMIT + 10; i++) a = touchSession(a, after(i), `x${i}`, IDLE);
    expect(a.recentActivityIds).toHaveLength(RECENT_ACTIVITY_LIMIT);
    expect(a.recentActivityIds[RECENT_ACTIVITY_LIMIT - 1]).toBe(`x${RECENT_ACTIVITY_LIMIT + 9}`);
    expect(AccountSchema.parse(a)).toEqual(a);
  });

  it('an out-of-order activity counts but never moves lastActivityAt or lastActiveAt backwards', () => {
    const late = touchSession(touchSession(open(), after(10_000), 'x2', IDLE), after(5_000), 'x1', IDLE);
    expect(late.sessions).toEqual([{ sessionId: 'ses-1', startedAt: t0.toISOString(), lastActivityAt: after(10_000).toISOString(), actions: 3 }]);
    expect(late.lastActiveAt).toBe(after(10_000).toISOString());

    // one that belongs to an earlier session counts there, the last session untouched
    const two = touchSession(open(), after(3 * IDLE), 'y1', IDLE);
    const back = touchSession(two, after(60_000), 'y0', IDLE);
    expect(back.sessions.map((s) => [s.sessionId, s.lastActivityAt, s.actions])).toEqual([
      ['ses-1', after(60_000).toISOString(), 2],
      ['ses-2', after(3 * IDLE).toISOString(), 1],
    ]);
    expect(back.lastActiveAt).toBe(after(3 * IDLE).toISOString());
  });

  it('an activity older than every session kept changes nothing', () => {
    const a = open();
    expect(touchSession(a, after(-2 * IDLE), 'old', IDLE)).toBe(a);
  });

  it('a wallet movement decided on the account counts by its opId', () => {
    const d = decideMovement(open(), { kind: 'debit', opId: 's_1:buy-in', amount: 10, reason: 'buy-in' }, after(1_000));
    if (d.kind !== 'apply') throw new Error('expected a new movement');
    const touched = touchSession(d.next, after(1_000), 's_1:buy-in', IDLE);
    expect(touched.sessions[0]).toMatchObject({ actions: 2, lastActivityAt: after(1_000).toISOString() });
    expect(touchSession(touched, after(1_000), 's_1:buy-in', IDLE)).toBe(touched);
  });

  it('reads accounts stored before sessions existed as having none', () => {
    const { sessions: _s, recentActivityIds: _r, ...old } = open();
    expect(AccountSchema.parse(old)).toMatchObject({ sessions: [], recentActivityIds: [] });
    const touched = touchSession(AccountSchema.parse(old), after(1), 'x', IDLE);
    expect(touched.sessions).toHaveLength(1);
  });
});
