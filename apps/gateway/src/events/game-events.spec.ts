import { HEADER, SagaEnded } from '@bitcraps/contracts';
import { belongsToGame, formatEvent } from './game-events';

const g = 'g_1';
const h = (key?: string) => (name: string) => (name === HEADER.orderingKey ? key : undefined);

describe('game event stream', () => {
  it('keeps successful facts of the game and the end of its sagas', () => {
    expect(belongsToGame(g, 'evt.lifecycle.roll-applied', h(g), { ok: true })).toBe(true);
    expect(belongsToGame(g, 'evt.lifecycle.game-inactive', h(), { gameId: g })).toBe(true);
    expect(belongsToGame(g, SagaEnded.subject, h(), { saga: { gameId: g } })).toBe(true);
  });
  it('drops other games, refusals and garbage', () => {
    expect(belongsToGame(g, 'evt.lifecycle.roll-applied', h('g_2'), { ok: true })).toBe(false);
    expect(belongsToGame(g, 'evt.lifecycle.seat-player', h(g), { ok: false, code: 'GAME_FULL' })).toBe(false);
    expect(belongsToGame(g, SagaEnded.subject, h(), { saga: { gameId: 'g_2' } })).toBe(false);
    expect(belongsToGame(g, 'evt.x.y', h(g), 'text')).toBe(false);
  });
  it('formats an SSE frame with the sequence as id', () => {
    expect(formatEvent(42, 'evt.lifecycle.roll-applied', '{"a":1}')).toBe('id: 42\nevent: lifecycle.roll-applied\ndata: {"a":1}\n\n');
  });
});
