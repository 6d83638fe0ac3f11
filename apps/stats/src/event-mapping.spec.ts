import { ApplyRoll, CreateGame, RecordBet, RemoveBet, SeatPlayer, UnseatPlayer } from '@bitcraps/contracts';
import { toStatsFact } from './event-mapping';

const g = 'g_00000000-0000-4000-8000-000000000001';
const p = 'p_00000000-0000-4000-8000-000000000002';

describe('EVT → stats facts', () => {
  it('maps successful lifecycle replies, the game id from the reply header', () => {
    expect(toStatsFact(CreateGame.replySubject, { ok: true, game: { gameId: g } })).toEqual({ kind: 'game-created', gameId: g });
    expect(toStatsFact(SeatPlayer.replySubject, { ok: true, playerId: p }, g)).toEqual({ kind: 'player-seated', gameId: g, playerId: p });
    expect(toStatsFact(UnseatPlayer.replySubject, { ok: true, playerId: p, wasSeated: false }, g)).toBeNull();
    expect(toStatsFact(RecordBet.replySubject, { ok: true, bet: { betId: 'b1', amount: 5 } }, g)).toEqual({ kind: 'bet-placed', gameId: g, betId: 'b1', amount: 5 });
    expect(toStatsFact(RemoveBet.replySubject, { ok: true, betId: 'b1', status: 'absent' }, g)).toBeNull();
    expect(toStatsFact(ApplyRoll.replySubject, { ok: true, roll: { rollIndex: 1, dice: [1, 2], resolutions: [] } }, g)).toMatchObject({ kind: 'roll-applied', dice: [1, 2] });
  });

  it('ignores refusals, unknown subjects and malformed bodies', () => {
    expect(toStatsFact(SeatPlayer.replySubject, { ok: false, code: 'GAME_FULL' }, g)).toBeNull();
    expect(toStatsFact('evt.nobody.knows', { ok: true })).toBeNull();
    expect(toStatsFact(ApplyRoll.replySubject, { ok: true }, g)).toBeNull();
    expect(toStatsFact(CreateGame.replySubject, 'text')).toBeNull();
  });
});
