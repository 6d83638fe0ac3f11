import { commitment, HOUSE_MODE, keyPair, newGameId, QUORUM_MODE, seed, testCtx } from '../../test/fixtures';
import { addParticipant, prepareGame, removeParticipant } from './participants';
import { currentRound, type ConsensusGame } from './record';
import { commitSeed } from './rounds';

const GAME = newGameId();
const A = 'p_00000000-0000-4000-8000-00000000000a';
const B = 'p_00000000-0000-4000-8000-00000000000b';

describe('participants', () => {
  it('creates the record on the first join, the house committed to roll 1', () => {
    const ctx = testCtx();
    const d = addParticipant(null, { gameId: GAME, playerId: A, opId: 'j1' }, HOUSE_MODE, ctx);
    expect(d.reply).toEqual({ ok: true, playerId: A, participants: 1, alreadyParticipant: false, rollIndex: 1, houseCommitment: currentRound(d.next!).houseCommitment });
    expect(d.next!.settings).toEqual(HOUSE_MODE);
  });

  it('answers a replayed add with its first answer and changes nothing', () => {
    const ctx = testCtx();
    const g = addParticipant(null, { gameId: GAME, playerId: A, opId: 'j1' }, HOUSE_MODE, ctx).next!;
    const again = addParticipant(g, { gameId: GAME, playerId: A, opId: 'j1' }, HOUSE_MODE, ctx);
    expect(again.next).toBeUndefined();
    expect(again.reply).toMatchObject({ ok: true, alreadyParticipant: false, participants: 1 });
  });

  it('needs a valid Ed25519 key at a quorum table, and remembers the refusal', () => {
    const ctx = testCtx();
    const none = addParticipant(null, { gameId: GAME, playerId: A, opId: 'j1' }, QUORUM_MODE, ctx);
    expect(none.reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const bad = addParticipant(none.next!, { gameId: GAME, playerId: A, opId: 'j2', publicKey: 'A'.repeat(60) }, QUORUM_MODE, ctx);
    expect(bad.reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringMatching(/not an Ed25519 public key/) });
    // a late redelivery of the refused add stays refused, even with the key fixed meanwhile
    expect(addParticipant(bad.next!, { gameId: GAME, playerId: A, opId: 'j1', publicKey: keyPair().rawHex }, QUORUM_MODE, ctx).reply).toMatchObject({ ok: false });
    const k = keyPair();
    const good = addParticipant(bad.next!, { gameId: GAME, playerId: A, opId: 'j3', publicKey: k.spkiBase64 }, QUORUM_MODE, ctx);
    expect(good.reply).toMatchObject({ ok: true });
    expect(good.next!.participants[0]!.publicKey).toBe(k.rawHex);
  });

  it('removes a participant (their unrevealed commitment on the open round goes too); harmless when absent', () => {
    const ctx = testCtx();
    let g: ConsensusGame = addParticipant(null, { gameId: GAME, playerId: A, opId: 'ja' }, HOUSE_MODE, ctx).next!;
    g = addParticipant(g, { gameId: GAME, playerId: B, opId: 'jb' }, HOUSE_MODE, ctx).next!;
    g = commitSeed(g, { gameId: GAME, playerId: A, commitment: commitment(seed('a')) }).next!;
    const removed = removeParticipant(g, { gameId: GAME, playerId: A, opId: 'leave-a' }, ctx);
    expect(removed.reply).toEqual({ ok: true, playerId: A, wasParticipant: true });
    expect(removed.next!.participants.map((p) => p.playerId)).toEqual([B]);
    expect(currentRound(removed.next!).commitments).toEqual([]);
    expect(removeParticipant(removed.next!, { gameId: GAME, playerId: A, opId: 'leave-a' }, ctx).reply).toEqual(removed.reply);
    expect(removeParticipant(removed.next!, { gameId: GAME, playerId: A, opId: 'leave-a-2' }, ctx).reply).toEqual({ ok: true, playerId: A, wasParticipant: false });
    expect(removeParticipant(null, { gameId: GAME, playerId: A, opId: 'x' }, ctx)).toEqual({ reply: { ok: true, playerId: A, wasParticipant: false } });
  });

  it('burns an add whose compensation ran first (even before the game had a record)', () => {
    const ctx = testCtx();
    const comp = removeParticipant(null, { gameId: GAME, playerId: A, opId: 'undo-j1', compensates: 'j1' }, ctx);
    expect(comp.reply).toEqual({ ok: true, playerId: A, wasParticipant: false });
    expect(comp.next!.settings).toBeNull();
    const late = addParticipant(comp.next!, { gameId: GAME, playerId: A, opId: 'j1' }, HOUSE_MODE, ctx);
    expect(late.reply).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(late.next!.participants).toEqual([]);
    expect(late.next!.settings).toEqual(HOUSE_MODE);
    // a compensation after its add removes the participant, and burns nothing
    const added = addParticipant(late.next!, { gameId: GAME, playerId: B, opId: 'j2' }, HOUSE_MODE, ctx).next!;
    const undone = removeParticipant(added, { gameId: GAME, playerId: B, opId: 'undo-j2', compensates: 'j2' }, ctx);
    expect(undone.reply).toMatchObject({ wasParticipant: true });
  });

  it('refuses the same player with another key', () => {
    const ctx = testCtx();
    const g = addParticipant(null, { gameId: GAME, playerId: A, opId: 'j1', publicKey: keyPair().rawHex }, QUORUM_MODE, ctx).next!;
    expect(addParticipant(g, { gameId: GAME, playerId: A, opId: 'j2', publicKey: keyPair().rawHex }, QUORUM_MODE, ctx).reply).toMatchObject({ code: 'CONFLICT' });
  });

  it('prepares a game once: the first settings win', () => {
    const ctx = testCtx();
    const first = prepareGame(null, { gameId: GAME, settings: QUORUM_MODE }, ctx);
    expect(first.reply).toMatchObject({ ok: true, mode: 'quorum', rollIndex: 1 });
    const again = prepareGame(first.next!, { gameId: GAME, settings: HOUSE_MODE }, ctx);
    expect(again).toEqual({ reply: first.reply });
  });
});
