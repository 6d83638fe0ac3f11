import { CloseGame, CreateGame, type SagaView } from '@bitcraps/contracts';
import { SagaWatch, TrackedGames } from './ops-view';
import { OPS_PAGE, OPS_PAGE_CSP } from './ops-page';

const G1 = 'g_11111111-1111-4111-8111-111111111111';
const G2 = 'g_22222222-2222-4222-8222-222222222222';
const S1 = 's_11111111-1111-4111-8111-111111111111';
const S2 = 's_22222222-2222-4222-8222-222222222222';

describe('TrackedGames', () => {
  it('adds games from successful game-created replies, in creation order, once', () => {
    const games = new TrackedGames();
    expect(games.apply(CreateGame.replySubject, { ok: true, game: { gameId: G2 } })).toBe(true);
    expect(games.apply(CreateGame.replySubject, { ok: true, game: { gameId: G1 } })).toBe(true);
    expect(games.apply(CreateGame.replySubject, { ok: true, game: { gameId: G2 } })).toBe(false);
    expect(games.list()).toEqual([G2, G1]);
  });

  it('ignores refusals, other subjects and garbage', () => {
    const games = new TrackedGames();
    expect(games.apply(CreateGame.replySubject, { ok: false, code: 'TOO_MANY_GAMES', message: 'x' })).toBe(false);
    expect(games.apply('evt.lifecycle.player-seated', { ok: true, game: { gameId: G1 } })).toBe(false);
    expect(games.apply(CreateGame.replySubject, null)).toBe(false);
    expect(games.apply(CreateGame.replySubject, { ok: true, game: { gameId: 'nope' } })).toBe(false);
    expect(games.size).toBe(0);
  });

  it('drops a game when it closes or is forgotten', () => {
    const games = new TrackedGames();
    games.apply(CreateGame.replySubject, { ok: true, game: { gameId: G1 } });
    games.apply(CreateGame.replySubject, { ok: true, game: { gameId: G2 } });
    expect(games.apply(CloseGame.replySubject, { ok: false, code: 'GAME_CLOSED', message: 'x' })).toBe(false);
    expect(games.apply(CloseGame.replySubject, { ok: true, game: { gameId: G1 } })).toBe(true);
    games.forget(G2);
    expect(games.list()).toEqual([]);
  });
});

describe('SagaWatch', () => {
  const saga = (sagaId: string, status: SagaView['status'], attempts: number): SagaView => ({
    sagaId, type: 'join', status, playerId: null, gameId: G1,
    steps: [{ name: 'debit-wallet', status: 'done', attempts: 1 }, { name: 'seat-player', status: 'started', attempts }],
  });

  it('flags a saga unchanged for more than the limit as stuck, counted from the last change', () => {
    const watch = new SagaWatch(30_000);
    expect(watch.observe([saga(S1, 'running', 1)], 1_000)[0]).toMatchObject({ stuck: false, unchangedForMs: 0, lastChangeAt: new Date(1_000).toISOString() });
    expect(watch.observe([saga(S1, 'running', 1)], 31_000)[0]).toMatchObject({ stuck: false, unchangedForMs: 30_000 });
    expect(watch.observe([saga(S1, 'running', 1)], 31_001)[0]).toMatchObject({ stuck: true, unchangedForMs: 30_001 });
    // another attempt is a change: the clock starts again
    expect(watch.observe([saga(S1, 'running', 2)], 40_000)[0]).toMatchObject({ stuck: false, unchangedForMs: 0 });
    expect(watch.observe([saga(S1, 'compensating', 2)], 80_000)[0]).toMatchObject({ stuck: false, unchangedForMs: 0 });
    expect(watch.observe([saga(S1, 'compensating', 2)], 120_000)[0]).toMatchObject({ stuck: true });
  });

  it('forgets sagas that are no longer listed, and lists the longest unchanged first', () => {
    const watch = new SagaWatch(30_000);
    watch.observe([saga(S1, 'running', 1)], 0);
    const both = watch.observe([saga(S2, 'running', 1), saga(S1, 'running', 1)], 10_000);
    expect(both.map((s) => s.sagaId)).toEqual([S1, S2]);
    watch.observe([saga(S2, 'running', 1)], 20_000);
    // S1 comes back: it is new to the watch
    expect(watch.observe([saga(S1, 'running', 1)], 50_000)[0].unchangedForMs).toBe(0);
  });

  it('never calls a finished saga stuck', () => {
    const watch = new SagaWatch(30_000);
    watch.observe([saga(S1, 'failed', 1)], 0);
    expect(watch.observe([saga(S1, 'failed', 1)], 60_000)[0].stuck).toBe(false);
  });
});

describe('the ops page', () => {
  it('is self-contained: no external asset, and its only script is the one the CSP hash allows', () => {
    // the one link is an empty icon inline, so the browser asks for no /favicon.ico
    expect(OPS_PAGE).not.toMatch(/<link(?! rel="icon" href="data:,">)|src=|href="http|https?:\/\/|url\(/);
    expect(OPS_PAGE.match(/<script>/g)).toHaveLength(1);
    expect(OPS_PAGE_CSP).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(OPS_PAGE_CSP).toContain("connect-src 'self'");
  });

  it('keeps the token in sessionStorage and in the Authorization header, never in a URL', () => {
    expect(OPS_PAGE).toContain('sessionStorage');
    expect(OPS_PAGE).not.toContain('localStorage');
    expect(OPS_PAGE).toContain("authorization: 'Bearer ' + token");
    expect(OPS_PAGE).not.toMatch(/\?token=|EventSource/);
  });
});
