import { CloseGame, CreateGame, SeatPlayer, type ReplyOf } from '@bitcraps/contracts';
import { AdmissionStore } from '../src/persistence/admission.store';
import { LifecycleHarness, newGameId, newPlayerId, ok } from './harness';

/** Admission control under concurrency, across two lifecycle replicas. */
describe('lifecycle admission control', () => {
  let h: LifecycleHarness;
  const creator = newPlayerId();

  beforeAll(async () => {
    h = await LifecycleHarness.start({ MAX_CONCURRENT_GAMES: '5', MAX_GAMES_PER_PLAYER: '2' }, 2);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const create = (gameId = newGameId(), settings = {}) => h.send(CreateGame, { gameId, createdBy: creator, settings });
  const codes = (replies: Array<{ ok: boolean; code?: string }>) =>
    replies.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.ok ? 'ok' : r.code!]: (acc[r.ok ? 'ok' : r.code!] ?? 0) + 1 }), {});

  let admitted: string[] = [];

  it('admits exactly MAX_CONCURRENT_GAMES of 20 concurrent creates; the rest are TOO_MANY_GAMES', async () => {
    const ids = Array.from({ length: 20 }, () => newGameId());
    const replies = await Promise.all(ids.map((id) => create(id)));
    expect(codes(replies)).toEqual({ ok: 5, TOO_MANY_GAMES: 15 });
    admitted = ids.filter((_, i) => replies[i]!.ok);
    expect(await h.replicas[0]!.app.get(AdmissionStore).openCount()).toBe(5);
    // a refused create, sent again, keeps its answer; an admitted one answers its game
    const refusedId = ids.find((_, i) => !replies[i]!.ok)!;
    expect(await create(refusedId)).toMatchObject({ ok: false, code: 'TOO_MANY_GAMES' });
    expect(ok(await create(admitted[0]!)).game.gameId).toBe(admitted[0]);
    expect(await h.replicas[0]!.app.get(AdmissionStore).openCount()).toBe(5);
  });

  it('frees a slot when a game closes, once even if the close is sent again', async () => {
    const close = { gameId: admitted[0]!, reason: 'test', opId: 'close-1' };
    ok(await h.send(CloseGame, close));
    ok(await h.send(CloseGame, close));
    ok(await h.send(CloseGame, { ...close, opId: 'close-2' }));
    const replies = await Promise.all([create(), create()]);
    expect(codes(replies)).toEqual({ ok: 1, TOO_MANY_GAMES: 1 });
    // back to 5 open: close them all for the next test
    const open = [...admitted.slice(1), ...replies.filter((r) => r.ok).map((r) => ok(r).game.gameId)];
    for (const gameId of open) ok(await h.send(CloseGame, { gameId, reason: 'cleanup', opId: `cleanup-${gameId}` }));
    expect(await h.replicas[0]!.app.get(AdmissionStore).openCount()).toBe(0);
  });

  it('seats one player at MAX_GAMES_PER_PLAYER tables at most, under concurrent seats; closing a table frees its slot', async () => {
    const games = await Promise.all(Array.from({ length: 5 }, () => create()));
    const gameIds = games.map((g) => ok(g).game.gameId);
    const player = newPlayerId();
    const seat = (gameId: string, opId: string) => h.send(SeatPlayer, { gameId, playerId: player, buyIn: 100, opId });
    const replies: ReplyOf<typeof SeatPlayer>[] = await Promise.all(gameIds.map((gameId, i) => seat(gameId, `join-${i}`)));
    expect(codes(replies)).toEqual({ ok: 2, TOO_MANY_TABLES: 3 });
    const admission = h.replicas[0]!.app.get(AdmissionStore);
    const seatedAt = gameIds.filter((_, i) => replies[i]!.ok);
    expect((await admission.tablesOf(player)).sort()).toEqual([...seatedAt].sort());
    // a refused seat gave its slot back; closing a table frees the player's slot there
    ok(await h.send(CloseGame, { gameId: seatedAt[0]!, reason: 'test', opId: 'c' }));
    expect(await admission.tablesOf(player)).toEqual([seatedAt[1]]);
    const free = gameIds.find((_, i) => !replies[i]!.ok)!;
    expect(ok(await seat(free, 'join-again'))).toMatchObject({ playerId: player, stack: 100 });
  });
});
