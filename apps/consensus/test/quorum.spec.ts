import { AddParticipant, GetRoundStatus, PrepareGame, ProduceRoll, QuorumFailed, ResolveRound, SubmitVote, VotesRequested } from '@bitcraps/contracts';
import { waitFor } from '@bitcraps/messaging';
import { resultDigest } from '../src/domain/signatures';
import { keyPair, newGameId, newPlayerId } from './fixtures';
import { ConsensusHarness, ok } from './harness';
import { section6Check } from './section6';

/**
 * Quorum games through JetStream: participants sign the round's result with Ed25519;
 * final with more than two thirds (the house signs too); forged signatures refused,
 * double signers excluded, no quorum → quorum-failed (once) and an operator resolves.
 */
describe('consensus: quorum votes over JetStream', () => {
  let h: ConsensusHarness;

  beforeAll(async () => {
    h = await ConsensusHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function quorumTable(voteTimeoutMs: number) {
    const gameId = newGameId();
    ok(await h.send(PrepareGame, { gameId, settings: { consensus: 'quorum', revealTimeoutMs: 2_000, voteTimeoutMs } }));
    const players = [0, 1, 2].map(() => ({ playerId: newPlayerId(), key: keyPair() }));
    for (const [i, p] of players.entries()) {
      ok(await h.send(AddParticipant, { gameId, playerId: p.playerId, opId: `join-${i}`, publicKey: [p.key.rawBase64, p.key.spkiBase64, p.key.rawHex][i] }));
    }
    return { gameId, players };
  }

  /** Waits for the votes-requested event and answers what to sign. */
  async function ballot(gameId: string) {
    const e = await waitFor(() => h.eventsOf(VotesRequested.subject, gameId)[0], { what: 'votes-requested' });
    return { dice: e.body.result.dice as [number, number], digest: Buffer.from(e.body.digest, 'hex') };
  }

  it('is final once two of three players and the house signed; forged and double signatures are handled', async () => {
    const { gameId, players } = await quorumTable(10_000);
    const rolling = h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll-1' });
    const { dice, digest } = await ballot(gameId);
    const vote = (i: number, signature: string, d = dice) => h.send(SubmitVote, { gameId, rollIndex: 1, playerId: players[i]!.playerId, dice: d, signature });

    // a signature by another key, in player 0's name: refused, nothing counted
    expect(await vote(0, players[1]!.key.sign(digest))).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(ok(await h.client.query(GetRoundStatus, { gameId, rollIndex: 1 })).round.voting).toMatchObject({ valid: 1, needed: 3, eligible: 4 });

    // player 2 signs the result, then a different one: Byzantine, excluded
    expect(ok(await vote(2, players[2]!.key.sign(digest)))).toMatchObject({ counted: true, valid: 2 });
    const other: [number, number] = [dice[0] === 6 ? 1 : dice[0] + 1, dice[1]];
    const twoFaced = ok(await vote(2, players[2]!.key.sign(resultDigest({ dice: other, gameId, rollIndex: 1 })), other));
    expect(twoFaced).toMatchObject({ byzantine: true, counted: false, valid: 1, needed: 3 });

    // the house and the two honest players: 3 of 3 eligible
    expect(ok(await vote(0, players[0]!.key.sign(digest)))).toMatchObject({ status: 'voting', valid: 2 });
    expect(ok(await vote(1, Buffer.from(players[1]!.key.sign(digest), 'base64').toString('hex')))).toMatchObject({ status: 'final', valid: 3 });
    const rolled = ok(await rolling);
    expect(rolled).toMatchObject({ status: 'final', mode: 'quorum', dice });
    expect(section6Check(rolled.proof)).toEqual([]);
    const view = ok(await h.client.query(GetRoundStatus, { gameId, rollIndex: 1 }));
    expect(view.round.byzantine).toEqual([players[2]!.playerId]);
    expect(view.round.voting!.voters.find((v) => v.voterId === 'house')).toMatchObject({ publicKey: view.housePublicKey, counted: true });
  });

  it('without a quorum before voteTimeoutMs: quorum-failed once, the roll answers GAME_SUSPENDED until an operator resolves it', async () => {
    const { gameId, players } = await quorumTable(700);
    const rolling = h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll-1' });
    const { dice, digest } = await ballot(gameId);
    ok(await h.send(SubmitVote, { gameId, rollIndex: 1, playerId: players[0]!.playerId, dice, signature: players[0]!.key.sign(digest) }));
    expect(await rolling).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });

    const failed = await h.storedEvents(QuorumFailed.subject, gameId);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ msgId: `consensus.quorum-failed.${gameId}.1`, body: { rollIndex: 1, eligible: 4, needed: 3, valid: 2 } });
    // a retry of the roll hears the same, and publishes nothing new
    expect(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll-1' })).toMatchObject({ ok: false, code: 'GAME_SUSPENDED' });
    expect(await h.storedEvents(QuorumFailed.subject, gameId)).toHaveLength(1);
    // late votes change nothing
    expect(await h.send(SubmitVote, { gameId, rollIndex: 1, playerId: players[1]!.playerId, dice, signature: players[1]!.key.sign(digest) })).toMatchObject({ ok: false, code: 'CONFLICT' });

    expect(ok(await h.send(ResolveRound, { gameId, rollIndex: 1, opId: 'admin-1', reason: 'players confirmed by phone' }))).toEqual({ ok: true, rollIndex: 1, status: 'resolved', dice });
    const resumed = ok(await h.send(ProduceRoll, { gameId, rollIndex: 1, opId: 'roll-2' }));
    expect(resumed).toMatchObject({ status: 'resolved', dice });
    expect(ok(await h.client.query(GetRoundStatus, { gameId, rollIndex: 1 })).round.resolution).toMatchObject({ reason: 'players confirmed by phone' });
    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    expect(metrics).toMatch(/bitcraps_consensus_duration_seconds_count\{[^}]*mode="quorum"[^}]*outcome="failed"[^}]*\} 1/);
    expect(metrics).toMatch(/bitcraps_consensus_faults_total\{[^}]*kind="byzantine"[^}]*\} 1/);
  });
});
