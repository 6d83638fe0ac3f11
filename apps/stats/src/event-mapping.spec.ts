import { ApplyRoll, CloseGame, CreateGame, RecordBet, RemoveBet, SeatPlayer, UnseatPlayer } from '@bitcraps/contracts';
import { toStatsFact } from './event-mapping';

const g = 'g_00000000-0000-4000-8000-000000000001';
const p = 'p_00000000-0000-4000-8000-000000000002';
const meta = { gameId: g, correlationId: 'saga-1' };

describe('EVT → stats facts', () => {
  it('maps successful lifecycle replies, the game id from the reply header, the seat and leave identities from the correlation id', () => {
    expect(toStatsFact(CreateGame.replySubject, { ok: true, game: { gameId: g, status: 'open' } })).toEqual({ kind: 'game-created', gameId: g });
    expect(toStatsFact(CloseGame.replySubject, { ok: true, game: { gameId: g, status: 'closed' } })).toEqual({ kind: 'game-closed', gameId: g });
    expect(toStatsFact(SeatPlayer.replySubject, { ok: true, playerId: p }, meta)).toEqual({ kind: 'player-seated', gameId: g, playerId: p, seatId: 'saga-1' });
    expect(toStatsFact(SeatPlayer.replySubject, { ok: true, playerId: p }, { gameId: g })).toEqual({ kind: 'player-seated', gameId: g, playerId: p });
    expect(toStatsFact(UnseatPlayer.replySubject, { ok: true, playerId: p, wasSeated: false, returnedBets: [] }, meta)).toBeNull();
    expect(toStatsFact(UnseatPlayer.replySubject, { ok: true, playerId: p, wasSeated: true, returnedBets: [{ betId: 'b1', amount: 5 }] }, meta)).toEqual({
      kind: 'player-left', gameId: g, playerId: p, leaveId: 'saga-1', returnedBets: [{ betId: 'b1', amount: 5 }],
    });
    expect(toStatsFact(RecordBet.replySubject, { ok: true, bet: { betId: 'b1', amount: 5 } }, meta)).toEqual({ kind: 'bet-placed', gameId: g, betId: 'b1', amount: 5 });
    expect(toStatsFact(RemoveBet.replySubject, { ok: true, betId: 'b1', status: 'removed' }, meta)).toEqual({ kind: 'bet-removed', gameId: g, betId: 'b1' });
    expect(toStatsFact(RemoveBet.replySubject, { ok: true, betId: 'b1', status: 'absent' }, meta)).toBeNull();
    expect(toStatsFact(ApplyRoll.replySubject, { ok: true, roll: { rollIndex: 1, dice: [1, 2], resolutions: [] } }, meta)).toMatchObject({ kind: 'roll-applied', rollIndex: 1, dice: [1, 2] });
  });

  it('ignores a create that answers a closed game: it can only be a replay after the close', () => {
    expect(toStatsFact(CreateGame.replySubject, { ok: true, game: { gameId: g, status: 'closed' } })).toBeNull();
  });

  it('ignores refusals, unknown subjects, malformed bodies and facts without their game', () => {
    expect(toStatsFact(SeatPlayer.replySubject, { ok: false, code: 'GAME_FULL' }, meta)).toBeNull();
    expect(toStatsFact('evt.nobody.knows', { ok: true })).toBeNull();
    expect(toStatsFact(ApplyRoll.replySubject, { ok: true }, meta)).toBeNull();
    expect(toStatsFact(ApplyRoll.replySubject, { ok: true, roll: { rollIndex: 1, dice: [0, 9], resolutions: [] } }, meta)).toBeNull();
    expect(toStatsFact(RecordBet.replySubject, { ok: true, bet: { betId: 'b1', amount: -5 } }, meta)).toBeNull();
    expect(toStatsFact(RecordBet.replySubject, { ok: true, bet: { betId: 'b1', amount: 5 } })).toBeNull();
    expect(toStatsFact(CreateGame.replySubject, 'text')).toBeNull();
    expect(toStatsFact(CreateGame.replySubject, null)).toBeNull();
  });
});
