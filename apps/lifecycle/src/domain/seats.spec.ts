import { generateKeyPairSync } from 'node:crypto';
import { recall } from './op-log';
import { ANN, BOB, CY, freshGame, nextOf, T0, tableWith } from './fixtures';
import { checkBet, recordBet } from './bets';
import { checkShooter, applyRollTo, closeRound } from './rolls';
import { confirmSeat, seatPlayer, unseatPlayer, type SeatCommand } from './seats';
import type { GameRecord } from './game';

const ctx = { now: T0, passwordOk: true, tableSlot: true };
const seatCmd = (playerId: string, opId = `op-${playerId}`, buyIn = 500): SeatCommand => ({ gameId: freshGame().gameId, playerId, buyIn, opId });

describe('seatPlayer', () => {
  it('seats in order with the buy-in as stack; the first seated is the shooter', () => {
    let g = freshGame();
    const first = seatPlayer(g, seatCmd(ANN), ctx);
    expect(first.reply).toEqual({ ok: true, playerId: ANN, stack: 500, seat: 0, shooter: ANN });
    g = nextOf(first);
    const second = seatPlayer(g, seatCmd(BOB, 'op-b', 700), ctx);
    expect(second.reply).toEqual({ ok: true, playerId: BOB, stack: 700, seat: 1, shooter: ANN });
    g = nextOf(second);
    expect(g.players.map((p) => [p.playerId, p.stack])).toEqual([[ANN, 500], [BOB, 700]]);
    expect(g.shooter).toBe(ANN);
  });

  it('starts the roll clock once there is someone to pass the dice to', () => {
    const one = tableWith([ANN]);
    expect(one.rollDeadline).toBeNull();
    const two = nextOf(seatPlayer(one, seatCmd(BOB), { ...ctx, now: T0 + 5 }));
    expect(two.rollDeadline).toBe(T0 + 5 + two.config.rollTimeoutMs);
  });

  it('answers a replay with the first answer and changes nothing, even after the player left', () => {
    const g = nextOf(seatPlayer(freshGame(), seatCmd(ANN, 'op-1'), ctx));
    expect(seatPlayer(g, seatCmd(ANN, 'op-1'), ctx)).toEqual({ reply: { ok: true, playerId: ANN, stack: 500, seat: 0, shooter: ANN } });
    const left = nextOf(unseatPlayer(g, { gameId: g.gameId, playerId: ANN, opId: 'leave-1' }, T0));
    const replay = seatPlayer(left, seatCmd(ANN, 'op-1'), ctx);
    expect(replay.next).toBeUndefined();
    expect(replay.reply.ok).toBe(true);
  });

  it.each([
    ['GAME_CLOSED', (g: GameRecord) => ({ ...g, status: 'closed' as const }), {}],
    ['GAME_SUSPENDED', (g: GameRecord) => ({ ...g, status: 'suspended' as const }), {}],
    ['GAME_FULL', (_g: GameRecord) => tableWith([BOB, CY], 100, { maxPlayers: 2 }), {}],
    ['WRONG_PASSWORD', (g: GameRecord) => g, { passwordOk: false }],
    ['TOO_MANY_TABLES', (g: GameRecord) => g, { tableSlot: false }],
  ])('refuses with %s, and remembers the refusal', (code, prepare, extra) => {
    const g = prepare(freshGame());
    const d = seatPlayer(g, seatCmd(ANN, 'op-x'), { ...ctx, ...extra });
    expect(d.reply).toMatchObject({ ok: false, code });
    expect(nextOf(d).players).toEqual(g.players);
    // the refusal is final: a replay after the cause went away is still refused
    const after = seatPlayer({ ...nextOf(d), status: 'open', players: [] }, seatCmd(ANN, 'op-x'), ctx);
    expect(after.reply).toMatchObject({ ok: false, code });
  });

  it('refuses ALREADY_SEATED for a second seat of the same player', () => {
    const g = tableWith([ANN]);
    expect(seatPlayer(g, seatCmd(ANN, 'again'), ctx).reply).toMatchObject({ ok: false, code: 'ALREADY_SEATED' });
  });

  it('refuses a buy-in outside minBuyIn..maxBuyIn with BET_LIMIT', () => {
    const g = freshGame({ minBuyIn: 100, maxBuyIn: 1_000 });
    expect(seatPlayer(g, { ...seatCmd(ANN), buyIn: 99 }, ctx).reply).toMatchObject({ ok: false, code: 'BET_LIMIT' });
    expect(seatPlayer(g, { ...seatCmd(ANN), buyIn: 1_001 }, ctx).reply).toMatchObject({ ok: false, code: 'BET_LIMIT' });
    expect(seatPlayer(g, { ...seatCmd(ANN), buyIn: 1_000 }, ctx).reply).toMatchObject({ ok: true });
  });

  it('needs a public key at a quorum table', () => {
    const g = freshGame({ consensus: 'quorum' });
    expect(seatPlayer(g, seatCmd(ANN), ctx).reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const key = 'a'.repeat(64);
    const seated = nextOf(seatPlayer(g, { ...seatCmd(ANN), publicKey: key }, ctx));
    expect(seated.players[0]!.publicKey).toBe(key);
  });

  it('refuses a public key that does not decode to 32 bytes, and remembers nothing else', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const g = freshGame({ consensus: 'quorum' });
    // the seat schema's characters and length, but 31 or 33 bytes, another curve's SPKI, junk base64
    const x25519 = Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), spki.subarray(12)]).toString('base64');
    for (const bad of [Buffer.alloc(31, 7).toString('base64'), Buffer.alloc(33, 7).toString('base64'), 'a'.repeat(63), 'a'.repeat(66), x25519, 'not-a-key_'.repeat(5)]) {
      const d = seatPlayer(g, { ...seatCmd(ANN, `op-${bad.length}-${bad.slice(0, 3)}`), publicKey: bad }, ctx);
      expect(d.reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringContaining('Ed25519') });
      expect(d.next?.players ?? []).toEqual([]);
    }
    for (const good of [spki.toString('base64'), spki.subarray(12).toString('base64url'), spki.subarray(12).toString('hex').toUpperCase()]) {
      expect(seatPlayer(g, { ...seatCmd(ANN), publicKey: good }, ctx).reply).toMatchObject({ ok: true });
    }
  });
});

describe('unseatPlayer', () => {
  const unseat = (g: GameRecord, playerId: string, opId = `leave-${playerId}`, compensates?: string) =>
    unseatPlayer(g, { gameId: g.gameId, playerId, opId, ...(compensates ? { compensates } : {}) }, T0 + 1);

  it('is harmless when the player is not seated, and a compensation burns the seat it compensates', () => {
    const g = tableWith([ANN]);
    const d = unseat(g, BOB, 'comp-1', 'seat-op-of-bob');
    expect(d.reply).toEqual({ ok: true, playerId: BOB, wasSeated: false, stack: 0, returnedBets: [], shooter: ANN });
    const after = nextOf(d);
    expect(after.players).toEqual(g.players);
    // the seat, delivered late, is refused and changes nothing
    const late = seatPlayer(after, { gameId: g.gameId, playerId: BOB, buyIn: 500, opId: 'seat-op-of-bob' }, ctx);
    expect(late.reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(late.next).toBeUndefined();
  });

  it('compensates a seat that did happen: the player leaves with the buy-in', () => {
    const g = nextOf(seatPlayer(tableWith([ANN]), seatCmd(BOB, 'seat-b'), ctx));
    const d = unseat(g, BOB, 'comp-b', 'seat-b');
    expect(d.reply).toMatchObject({ ok: true, wasSeated: true, stack: 500 });
    expect(nextOf(d).players.map((p) => p.playerId)).toEqual([ANN]);
  });

  it("a join's compensation leaves alone a seat the player took by another join", () => {
    // join A's seat never arrived; join B seated the player; A's compensation must not unseat B's seat
    const g = nextOf(seatPlayer(tableWith([ANN]), seatCmd(BOB, 'seat-by-b'), ctx));
    const d = unseat(g, BOB, 'undo-a', 'seat-by-a');
    expect(d.reply).toMatchObject({ ok: true, wasSeated: false, stack: 0 });
    const after = nextOf(d);
    expect(after.players.map((p) => p.playerId)).toEqual([ANN, BOB]);
    // A's seat, arriving late, is refused
    expect(seatPlayer(after, seatCmd(BOB, 'seat-by-a'), ctx).reply).toMatchObject({ ok: false });
    // B's own compensation does unseat it
    expect(unseat(after, BOB, 'undo-b', 'seat-by-b').reply).toMatchObject({ ok: true, wasSeated: true });
  });

  it('passes the dice on when the shooter leaves; an empty table starts over on a come-out', () => {
    let g = tableWith([ANN, BOB, CY]);
    g = nextOf(unseat(g, ANN));
    expect(g.shooter).toBe(BOB);
    g = nextOf(unseat(g, CY));
    expect(g.shooter).toBe(BOB);
    expect(g.rollDeadline).toBeNull(); // nobody to pass to
    g = { ...g, phase: 'point', point: 6 };
    g = nextOf(unseat(g, BOB));
    expect(g).toMatchObject({ shooter: null, players: [], phase: 'come-out', point: null });
  });

  it('refuses BETS_ON_LAYOUT while the player has a contract bet; other bets come down with them', () => {
    let g = tableWith([ANN, BOB]);
    const bet = (betId: string, playerId: string, type: 'pass' | 'field' | 'place', number?: number) =>
      (g = nextOf(recordBet(g, { gameId: g.gameId, betId, playerId, type, amount: 10, opId: `o-${betId}`, ...(number ? { number } : {}) })));
    bet('b1', ANN, 'pass');
    bet('b2', BOB, 'field');
    bet('b3', BOB, 'place', 6);
    // before the come-out roll the pass bet is no contract bet yet
    expect(unseat(g, ANN, 'early').reply).toMatchObject({ ok: true, wasSeated: true, stack: 1_000, returnedBets: [{ betId: 'b1', amount: 10 }] });
    g = nextOf(checkShooter(g, { gameId: g.gameId, playerId: ANN, opId: 'r1' }, T0));
    g = nextOf(applyRollTo(g, { gameId: g.gameId, rollIndex: 1, dice: [2, 2] }, T0)); // point 4
    g = nextOf(closeRound(g, 1)); // paid
    const refused = unseat(g, ANN);
    expect(refused.reply).toMatchObject({ ok: false, code: 'BETS_ON_LAYOUT' });
    expect(nextOf(refused).players).toHaveLength(2);
    const bob = unseat(g, BOB);
    // 1000 - 20 staked + 20 back from the field bet (won 1:1 on 4) + 10 from the place bet taken down
    expect(bob.reply).toMatchObject({ ok: true, stack: 1_010, returnedBets: [{ betId: 'b3', amount: 10 }] });
    expect(nextOf(bob).bets.map((b) => b.betId)).toEqual(['b1']);
  });

  it('asks the shooter to try again while their roll is reserved, and remembers nothing of it', () => {
    const g = nextOf(checkShooter(tableWith([ANN, BOB]), { gameId: freshGame().gameId, playerId: ANN, opId: 'r1' }, T0));
    expect(unseat(g, ANN)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN' }) });
    expect(unseat(g, BOB).reply).toMatchObject({ ok: true, wasSeated: true });
  });

  describe('a leave waits for the chips on their way to the stack (TRY_AGAIN, nothing written)', () => {
    const joining = () => nextOf(seatPlayer(tableWith([ANN]), { ...seatCmd(BOB, 'seat-b'), confirm: true }, ctx));

    it('while the join that took the seat is not confirmed; then it goes through', () => {
      const g = joining();
      expect(g.players.find((p) => p.playerId === BOB)?.joining).toBe('seat-b');
      expect(unseat(g, BOB)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('join') }) });
      expect(unseat(g, ANN).reply).toMatchObject({ ok: true, wasSeated: true }); // others may leave
      const confirmed = nextOf(confirmSeat(g, { gameId: g.gameId, playerId: BOB, seatOpId: 'seat-b' }));
      // the same unseat, retried, now sees the table as it is
      expect(unseat(confirmed, BOB).reply).toMatchObject({ ok: true, wasSeated: true, stack: 500 });
    });

    it("but the join's own compensation unseats a joining seat at once", () => {
      expect(unseat(joining(), BOB, 'comp-b', 'seat-b').reply).toMatchObject({ ok: true, wasSeated: true });
    });

    it('while a bet of theirs is validated and not yet recorded or withdrawn', () => {
      const g = nextOf(checkBet(tableWith([ANN, BOB]), { gameId: freshGame().gameId, betId: 'b1', playerId: BOB, type: 'field', amount: 5 }, T0));
      expect(unseat(g, BOB)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('b1') }) });
      expect(unseat(g, ANN).reply).toMatchObject({ ok: true });
      const recorded = nextOf(recordBet(g, { gameId: g.gameId, betId: 'b1', playerId: BOB, type: 'field', amount: 5, opId: 'o-b1' }));
      expect(unseat(recorded, BOB).reply).toMatchObject({ ok: true, returnedBets: [{ betId: 'b1', amount: 5 }] });
    });

    it('while a roll of the table is applied and not yet paid (close-round)', () => {
      let g = nextOf(checkShooter(tableWith([ANN, BOB]), { gameId: freshGame().gameId, playerId: ANN, opId: 'r1' }, T0));
      g = nextOf(applyRollTo(g, { gameId: g.gameId, rollIndex: 1, dice: [1, 2] }, T0));
      for (const who of [ANN, BOB]) expect(unseat(g, who)).toEqual({ reply: expect.objectContaining({ ok: false, code: 'TRY_AGAIN', message: expect.stringContaining('roll 1') }) });
      expect(unseat(nextOf(closeRound(g, 1)), BOB).reply).toMatchObject({ ok: true, wasSeated: true });
    });
  });

  it('answers a replay with the first answer', () => {
    const g = nextOf(unseat(tableWith([ANN, BOB]), BOB, 'leave'));
    expect(unseat(g, BOB, 'leave')).toEqual({ reply: expect.objectContaining({ ok: true, wasSeated: true, stack: 1_000 }) });
    expect(recall(g, 'unseat:leave')).toBeDefined();
  });
});

describe('confirmSeat', () => {
  const joined = nextOf(seatPlayer(tableWith([ANN]), { ...seatCmd(BOB, 'seat-b'), confirm: true }, ctx));

  it('settles the seat of that join; a replay changes nothing and still says confirmed', () => {
    const d = confirmSeat(joined, { gameId: joined.gameId, playerId: BOB, seatOpId: 'seat-b' });
    expect(d.reply).toEqual({ ok: true, playerId: BOB, confirmed: true });
    const after = nextOf(d);
    expect(after.players.find((p) => p.playerId === BOB)).toEqual({ playerId: BOB, stack: 500, seatedAt: new Date(T0).toISOString(), seatOpId: 'seat-b' });
    expect(confirmSeat(after, { gameId: joined.gameId, playerId: BOB, seatOpId: 'seat-b' })).toEqual({ reply: { ok: true, playerId: BOB, confirmed: true } });
  });

  it('is never refused: another op, a player gone or a closed game answer confirmed: false and write nothing', () => {
    expect(confirmSeat(joined, { gameId: joined.gameId, playerId: BOB, seatOpId: 'seat-other' })).toEqual({ reply: { ok: true, playerId: BOB, confirmed: false } });
    expect(confirmSeat(joined, { gameId: joined.gameId, playerId: CY, seatOpId: 'seat-b' })).toEqual({ reply: { ok: true, playerId: CY, confirmed: false } });
    expect(confirmSeat({ ...joined, status: 'closed', players: [] }, { gameId: joined.gameId, playerId: BOB, seatOpId: 'seat-b' }).next).toBeUndefined();
  });

  it('a seat taken without `confirm` (join sagas of version 1) is never joining', () => {
    const g = nextOf(seatPlayer(tableWith([ANN]), seatCmd(BOB, 'seat-b'), ctx));
    expect(g.players.find((p) => p.playerId === BOB)?.joining).toBeUndefined();
    expect(unseat2(g, BOB).reply).toMatchObject({ ok: true, wasSeated: true });
  });
});

const unseat2 = (g: GameRecord, playerId: string) => unseatPlayer(g, { gameId: g.gameId, playerId, opId: `leave-${playerId}` }, T0 + 1);
