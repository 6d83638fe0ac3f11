import {
  ApplyRoll,
  CancelRoll,
  CheckShooter,
  CloseRound,
  ConfirmLeave,
  ConfirmSeat,
  CreateGame,
  GetGame,
  RecordBet,
  ReleaseBetHold,
  RemoveBet,
  ResumeGame,
  SeatPlayer,
  SuspendGame,
  UnseatPlayer,
  ValidateBet,
  type GameSettingsInput,
  type PayloadOf,
} from '@bitcraps/contracts';
import { applyRoll, createBet, createTable, type Bet } from '@bitcraps/craps';
import { LifecycleHarness, newGameId, newPlayerId, ok } from './harness';

/** Seats, bets and rolls through JetStream, on two lifecycle replicas sharing the work. */
describe('lifecycle: seats, bets and rolls', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start({}, 2);
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function newTable(settings: GameSettingsInput = {}, players: string[] = [], buyIn = 1_000) {
    const gameId = newGameId();
    ok(await h.send(CreateGame, { gameId, createdBy: newPlayerId(), settings }));
    for (const playerId of players) ok(await h.send(SeatPlayer, { gameId, playerId, buyIn, opId: `join-${playerId}` }));
    return gameId;
  }
  const view = async (gameId: string) => ok(await h.client.query(GetGame, { gameId })).game;
  const bet = (gameId: string, b: Omit<PayloadOf<typeof RecordBet>, 'gameId' | 'opId'>) => h.send(RecordBet, { gameId, ...b, opId: `bet-saga-${b.betId}:record` });
  /** A whole roll as the roll saga makes it: check the shooter, apply the dice, close the round (paid). */
  async function roll(gameId: string, shooter: string, dice: [number, number], opId = `roll-${Math.random()}`) {
    const { rollIndex } = ok(await h.send(CheckShooter, { gameId, playerId: shooter, opId }));
    const applied = ok(await h.send(ApplyRoll, { gameId, rollIndex, dice })).roll;
    ok(await h.send(CloseRound, { gameId, rollIndex }));
    return applied;
  }

  it('seats the first player as shooter, with buy-in as stack, and refuses seats past a full table', async () => {
    const gameId = await newTable({ maxPlayers: 3 });
    const players = Array.from({ length: 8 }, () => newPlayerId());
    const replies = await Promise.all(players.map((playerId) => h.send(SeatPlayer, { gameId, playerId, buyIn: 500, opId: `join-${playerId}` })));
    expect(replies.filter((r) => r.ok)).toHaveLength(3);
    expect(replies.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual(Array(5).fill('GAME_FULL'));
    const game = await view(gameId);
    const seated = players.filter((_, i) => replies[i]!.ok);
    expect(game.players.map((p) => p.playerId).sort()).toEqual([...seated].sort());
    expect(game.players.every((p) => p.stack === 500)).toBe(true);
    expect(game.shooter).toBe(game.players[0]!.playerId);
  });

  it('refuses ALREADY_SEATED, a wrong password, a buy-in out of limits; a private table takes its password', async () => {
    const gameId = await newTable({ password: 'sesame', minBuyIn: 50, maxBuyIn: 500 });
    const p = newPlayerId();
    const seat = (extra: Partial<PayloadOf<typeof SeatPlayer>>) => h.send(SeatPlayer, { gameId, playerId: p, buyIn: 100, opId: `op-${Math.random()}`, ...extra });
    expect(await seat({})).toMatchObject({ ok: false, code: 'WRONG_PASSWORD' });
    expect(await seat({ password: 'nope' })).toMatchObject({ ok: false, code: 'WRONG_PASSWORD' });
    expect(await seat({ password: 'sesame', buyIn: 49 })).toMatchObject({ ok: false, code: 'BET_LIMIT' });
    expect(ok(await seat({ password: 'sesame' }))).toMatchObject({ playerId: p, stack: 100, seat: 0, shooter: p });
    expect(await seat({ password: 'sesame' })).toMatchObject({ ok: false, code: 'ALREADY_SEATED' });
    expect(await h.send(SeatPlayer, { gameId: newGameId(), playerId: p, buyIn: 100, opId: 'x' })).toMatchObject({ ok: false, code: 'GAME_NOT_FOUND' });
  });

  it('a replayed seat, record-bet and apply-roll change nothing and answer the first answer', async () => {
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    const gameId = await newTable();
    const seat = { gameId, playerId: ann, buyIn: 300, opId: 'join-saga-1:seat' };
    const firstSeat = await h.send(SeatPlayer, seat);
    expect(await h.send(SeatPlayer, seat)).toEqual(firstSeat);
    ok(await h.send(SeatPlayer, { gameId, playerId: bob, buyIn: 300, opId: 'join-saga-2:seat' }));

    const b = { betId: 'bet-1', playerId: bob, type: 'field' as const, amount: 40 };
    const firstBet = await bet(gameId, b);
    expect(ok(firstBet).stack).toBe(260);
    expect(await bet(gameId, b)).toEqual(firstBet);

    const { rollIndex } = ok(await h.send(CheckShooter, { gameId, playerId: ann, opId: 'roll-saga-1:check' }));
    const firstRoll = await h.send(ApplyRoll, { gameId, rollIndex, dice: [6, 6] });
    expect(await h.send(ApplyRoll, { gameId, rollIndex, dice: [6, 6] })).toEqual(firstRoll);
    expect(await h.send(ApplyRoll, { gameId, rollIndex, dice: [1, 1] })).toMatchObject({ ok: false, code: 'CONFLICT' });

    const game = await view(gameId);
    expect(game.players).toEqual([
      { playerId: ann, stack: 300 },
      { playerId: bob, stack: 260 + 40 + 120 }, // field pays 3:1 on 12
    ]);
    expect(game.bets).toEqual([]);
    expect(game.rollCount).toBe(1);
  });

  it('resolves a roll exactly as libs/craps does, and mirrors the returns in the stacks', async () => {
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    const gameId = await newTable({}, [ann, bob], 1_000);
    const placed = [
      { betId: 'p1', playerId: ann, type: 'pass' as const, amount: 100 },
      { betId: 'd1', playerId: bob, type: 'dont_pass' as const, amount: 50 },
      { betId: 'h1', playerId: bob, type: 'hardway' as const, number: 6, amount: 10 },
      { betId: 'pl', playerId: ann, type: 'place' as const, number: 6, amount: 12 },
    ];
    for (const b of placed) ok(await bet(gameId, b));
    const first = await roll(gameId, ann, [2, 4]); // point 6
    expect(first).toMatchObject({ phase: 'point', point: 6, resolutions: [] });
    ok(await bet(gameId, { betId: 'po', playerId: ann, type: 'pass_odds', amount: 200 }));
    ok(await bet(gameId, { betId: 'c1', playerId: bob, type: 'come', amount: 20 }));

    const layout: Bet[] = [...placed, { betId: 'po', playerId: ann, type: 'pass_odds' as const, amount: 200 }, { betId: 'c1', playerId: bob, type: 'come' as const, amount: 20 }].map((b) =>
      createBet(b, b.betId),
    );
    const expected = applyRoll({ ...createTable([ann, bob]), phase: 'point', point: 6, rollCount: 1 }, layout, [3, 3]);
    const before = await view(gameId);
    const second = await roll(gameId, ann, [3, 3]);
    expect(second.resolutions).toEqual(expected.resolutions.map(({ number, ...r }) => (number === undefined ? r : { ...r, number })));
    expect(second).toMatchObject({ rollIndex: 2, total: 6, phase: 'come-out', point: null, shooter: ann, moved: [{ betId: 'c1', point: 6 }] });
    const after = await view(gameId);
    const returned = (p: string) => expected.resolutions.filter((r) => r.playerId === p && r.outcome !== 'lose').reduce((a, r) => a + r.amount + r.payout, 0);
    expect(after.players).toEqual(before.players.map((p) => ({ playerId: p.playerId, stack: p.stack + returned(p.playerId) })));
    expect(after.bets.map((b) => b.betId)).toEqual(['c1']);
    expect(after.bets[0]).toMatchObject({ type: 'come', point: 6 });
    ok(await h.send(CloseRound, { gameId, rollIndex: 2 }));
  });

  it('only the shooter rolls; one roll at a time; betting closes while the dice roll; a seven-out passes the dice', async () => {
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    const gameId = await newTable({}, [ann, bob]);
    expect(await h.send(CheckShooter, { gameId, playerId: bob, opId: 'r-bob' })).toMatchObject({ ok: false, code: 'NOT_SHOOTER' });
    const { rollIndex } = ok(await h.send(CheckShooter, { gameId, playerId: ann, opId: 'r1' }));
    expect(await h.send(CheckShooter, { gameId, playerId: ann, opId: 'r2' })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await h.send(ValidateBet, { gameId, betId: 'x', playerId: bob, type: 'field', amount: 5 })).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED' });
    // the roll saga gives up before its pivot: the reservation is released, betting reopens
    expect(ok(await h.send(CancelRoll, { gameId, checkOpId: 'r1' }))).toEqual({ ok: true, cancelled: true, rollIndex });
    // a refused bet id stays refused (its saga compensated); a new bet goes through
    expect(await h.send(ValidateBet, { gameId, betId: 'x', playerId: bob, type: 'field', amount: 5 })).toMatchObject({ ok: false, code: 'BET_NOT_ALLOWED' });
    expect(ok(await h.send(ValidateBet, { gameId, betId: 'y', playerId: bob, type: 'field', amount: 5 }))).toEqual({ ok: true, betId: 'y' });
    expect(await h.send(ApplyRoll, { gameId, rollIndex, dice: [1, 2] })).toMatchObject({ ok: false, code: 'CONFLICT' });
    await roll(gameId, ann, [2, 2]);
    const sevenOut = await roll(gameId, ann, [3, 4]);
    expect(sevenOut).toMatchObject({ sevenOut: true, nextShooter: bob, shooter: bob });
    expect((await view(gameId)).shooter).toBe(bob);
  });

  it('a suspended game refuses joins, bets and rolls; resume opens it again', async () => {
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    const gameId = await newTable({}, [ann, bob]);
    ok(await bet(gameId, { betId: 's1', playerId: bob, type: 'field', amount: 10 }));
    const suspended = ok(await h.send(SuspendGame, { gameId, reason: 'dispute under review', opId: 'adm-1' }));
    expect(suspended.game).toMatchObject({ status: 'suspended', suspension: { reason: 'dispute under review' } });
    expect(await h.send(SeatPlayer, { gameId, playerId: newPlayerId(), buyIn: 100, opId: 'j' })).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });
    expect(await h.send(ValidateBet, { gameId, betId: 's2', playerId: bob, type: 'field', amount: 10 })).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });
    expect(await bet(gameId, { betId: 's2', playerId: bob, type: 'field', amount: 10 })).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });
    expect(await h.send(CheckShooter, { gameId, playerId: ann, opId: 'r' })).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });
    // compensations still work on a suspended game
    expect(ok(await h.send(RemoveBet, { gameId, betId: 's1', opId: 'undo-s1' }))).toMatchObject({ status: 'removed', amount: 10 });
    ok(await h.send(ResumeGame, { gameId, reason: 'resolved', opId: 'adm-2' }));
    ok(await bet(gameId, { betId: 's3', playerId: bob, type: 'field', amount: 10 }));
    expect((await view(gameId)).status).toBe('open');
  });

  it('unseat refuses contract bets (BETS_ON_LAYOUT), compensates a seat, and returns other bets', async () => {
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    const gameId = await newTable({}, [ann, bob], 200);
    ok(await bet(gameId, { betId: 'u1', playerId: ann, type: 'pass', amount: 20 }));
    ok(await bet(gameId, { betId: 'u2', playerId: bob, type: 'place', number: 8, amount: 12 }));
    await roll(gameId, ann, [4, 5]); // point 9: ann's pass bet is a contract bet now
    expect(await h.send(UnseatPlayer, { gameId, playerId: ann, opId: 'leave-ann' })).toMatchObject({ ok: false, code: 'BETS_ON_LAYOUT' });
    expect(ok(await h.send(UnseatPlayer, { gameId, playerId: bob, opId: 'leave-bob' }))).toEqual({
      ok: true,
      playerId: bob,
      wasSeated: true,
      stack: 200,
      returnedBets: [{ betId: 'u2', amount: 12 }],
      shooter: ann,
    });
    // a compensation for a seat that never arrived: harmless, and the late seat is refused
    const carl = newPlayerId();
    expect(ok(await h.send(UnseatPlayer, { gameId, playerId: carl, opId: 'join-9:undo-seat', compensates: 'join-9:seat' }))).toMatchObject({ wasSeated: false });
    expect(await h.send(SeatPlayer, { gameId, playerId: carl, buyIn: 100, opId: 'join-9:seat' })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await view(gameId)).players.map((p) => p.playerId)).toEqual([ann]);
  });

  it('a leave waits (TRY_AGAIN) for its player\'s join and bet under way, and a new seat waits for the leave', async () => {
    const [ann, bob] = [newPlayerId(), newPlayerId()];
    const gameId = await newTable({}, [ann]);
    ok(await h.send(SeatPlayer, { gameId, playerId: bob, buyIn: 300, opId: 'join-b:seat', confirm: true }));
    const leave = { gameId, playerId: bob, opId: 'leave-b:unseat', confirm: true } as const;
    expect(await h.send(UnseatPlayer, leave)).toMatchObject({ ok: false, code: 'TRY_AGAIN' });
    expect(ok(await h.send(ConfirmSeat, { gameId, playerId: bob, seatOpId: 'join-b:seat' }))).toEqual({ ok: true, playerId: bob, confirmed: true });
    // a bet validated and not yet settled holds the player too, until its saga releases the hold
    ok(await h.send(ValidateBet, { gameId, betId: 'held-1', playerId: bob, type: 'field', amount: 5 }));
    expect(await h.send(UnseatPlayer, leave)).toMatchObject({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('held-1') });
    expect(ok(await h.send(ReleaseBetHold, { gameId, betId: 'held-1' }))).toEqual({ ok: true, betId: 'held-1', held: true });
    // the same unseat, retried, now goes through (its TRY_AGAIN answers were not remembered)
    expect(ok(await h.send(UnseatPlayer, leave))).toMatchObject({ wasSeated: true, stack: 300 });
    // until the leave is confirmed, bob cannot sit down again here
    expect(await h.send(SeatPlayer, { gameId, playerId: bob, buyIn: 100, opId: 'join-b2:seat', confirm: true })).toMatchObject({ ok: false, code: 'TRY_AGAIN' });
    expect(ok(await h.send(ConfirmLeave, { gameId, playerId: bob, leaveOpId: 'leave-b:unseat' }))).toEqual({ ok: true, playerId: bob, released: true });
    expect(ok(await h.send(SeatPlayer, { gameId, playerId: bob, buyIn: 100, opId: 'join-b2:seat', confirm: true }))).toMatchObject({ stack: 100 });
    expect((await view(gameId)).players.map((p) => p.playerId)).toEqual([ann, bob]);
  });
});
