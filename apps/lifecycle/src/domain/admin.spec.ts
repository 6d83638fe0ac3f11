import { closeGame, onInactivityDue, resumeGame, suspendGame } from './admin';
import { checkBet, recordBet, releaseBetHold, removeBet } from './bets';
import { ANN, BOB, freshGame, GAME_ID, nextOf, T0, tableWith } from './fixtures';
import { applyRollTo, checkShooter, closeRound } from './rolls';

describe('suspendGame / resumeGame', () => {
  it('suspends with a reason and stops both clocks; resume restarts them', () => {
    const g = tableWith([ANN, BOB]);
    const s = suspendGame(g, { reason: 'dispute', opId: 'adm-1' }, T0 + 5);
    expect(s.reply).toMatchObject({ ok: true, game: { status: 'suspended', suspension: { reason: 'dispute', at: new Date(T0 + 5).toISOString() } } });
    const suspended = nextOf(s);
    expect(suspended).toMatchObject({ inactiveAt: null, rollDeadline: null });
    expect(suspendGame(suspended, { reason: 'dispute', opId: 'adm-1' }, T0)).toEqual({ reply: s.reply });
    expect(suspendGame(suspended, { reason: 'again', opId: 'adm-2' }, T0).reply).toMatchObject({ ok: true, game: { status: 'suspended' } });

    const r = resumeGame(suspended, { opId: 'adm-3' }, T0 + 100);
    const resumed = nextOf(r);
    expect(r.reply).toMatchObject({ ok: true, game: { status: 'open', suspension: null } });
    expect(resumed).toMatchObject({
      status: 'open',
      inactiveAt: T0 + 100 + g.config.inactivityTimeoutMs,
      rollDeadline: T0 + 100 + g.config.rollTimeoutMs,
    });
    expect(resumeGame(resumed, { opId: 'adm-4' }, T0).reply).toMatchObject({ ok: true, game: { status: 'open' } });
  });

  it('refuses to suspend or resume a closed game', () => {
    const closed = { ...freshGame(), status: 'closed' as const };
    expect(suspendGame(closed, { reason: 'x', opId: 'a' }, T0).reply).toMatchObject({ code: 'GAME_CLOSED' });
    expect(resumeGame(closed, { opId: 'b' }, T0).reply).toMatchObject({ code: 'GAME_CLOSED' });
  });
});

describe('closeGame', () => {
  it('empties the table, lists what was on it, stops the clocks; a replay answers the same', () => {
    let g = tableWith([ANN, BOB], 100);
    g = nextOf(recordBet(g, { gameId: GAME_ID, betId: 'b1', playerId: BOB, type: 'field', amount: 10, opId: 'o1' }));
    g = nextOf(checkShooter(g, { gameId: GAME_ID, playerId: ANN, opId: 'c1' }, T0));
    const d = closeGame(g, { reason: 'inactive', opId: 'expire-1' }, T0 + 7);
    expect(d.reply).toMatchObject({
      ok: true,
      game: { status: 'closed', players: [], bets: [], shooter: null },
      players: [{ playerId: ANN, stack: 100 }, { playerId: BOB, stack: 90 }],
      bets: [{ betId: 'b1', playerId: BOB, type: 'field', amount: 10 }],
    });
    const closed = nextOf(d);
    expect(closed).toMatchObject({ pendingRoll: null, inactiveAt: null, rollDeadline: null, closed: { reason: 'inactive' } });
    expect(closeGame(closed, { reason: 'inactive', opId: 'expire-1' }, T0)).toEqual({ reply: d.reply });
    expect(closeGame(closed, { reason: 'again', opId: 'other' }, T0)).toEqual({ reply: expect.objectContaining({ ok: true, players: [], bets: [] }) });
  });
});

describe('closeGame waits (TRY_AGAIN, nothing written) while chips are on their way to a stack', () => {
  const close = (g: Parameters<typeof closeGame>[0]) => closeGame(g, { reason: 'inactive', opId: 'expire-1' }, T0);

  it('a join not yet confirmed', () => {
    const g = tableWith([ANN, BOB]);
    const joining = { ...g, players: g.players.map((p) => (p.playerId === BOB ? { ...p, joining: 'seat-b' } : p)) };
    expect(close(joining)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining(BOB) }) });
  });

  it('a bet validated and not yet recorded or withdrawn', () => {
    const g = nextOf(checkBet(tableWith([ANN, BOB]), { gameId: GAME_ID, betId: 'b1', playerId: BOB, type: 'field', amount: 10 }, T0));
    expect(close(g)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('b1') }) });
    const withdrawn = nextOf(releaseBetHold(nextOf(removeBet(g, { gameId: GAME_ID, betId: 'b1', opId: 'o-rm' })), { gameId: GAME_ID, betId: 'b1' }));
    expect(close(withdrawn).reply).toMatchObject({ ok: true, game: { status: 'closed' } });
  });

  it('a roll applied and not yet paid; once close-round ran, it closes', () => {
    let g = nextOf(checkShooter(tableWith([ANN, BOB]), { gameId: GAME_ID, playerId: ANN, opId: 'c1' }, T0));
    g = nextOf(applyRollTo(g, { gameId: GAME_ID, rollIndex: 1, dice: [3, 3] }, T0));
    expect(close(g)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('roll 1') }) });
    expect(close(nextOf(closeRound(g, 1))).reply).toMatchObject({ ok: true });
  });
});

describe('onInactivityDue', () => {
  it('announces the inactive game once its deadline passed, keeps it open, and reminds a timeout later', () => {
    const g = freshGame({ inactivityTimeoutMs: 60_000 });
    expect(onInactivityDue(g, T0 + 59_999)).toEqual({ rearmAt: T0 + 60_000 });
    const d = onInactivityDue(g, T0 + 60_010);
    expect(d.event).toEqual({ lastActivityAt: T0, deadline: T0 + 60_000 });
    expect(d.next).toMatchObject({ status: 'open', inactiveAt: T0 + 120_010, lastActivityAt: T0 });
    expect(d.rearmAt).toBe(T0 + 120_010);
  });

  it('does nothing while suspended or closed (the clock is stopped)', () => {
    const g = freshGame();
    expect(onInactivityDue({ ...g, status: 'suspended', inactiveAt: null }, T0 + 1e9)).toEqual({});
    expect(onInactivityDue({ ...g, status: 'closed' }, T0 + 1e9)).toEqual({});
  });
});
