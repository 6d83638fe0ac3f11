import { Controller, Inject } from '@nestjs/common';
import { GetRollProof, GetRoundStatus, ProduceRoll, refuse, ResolveRound, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { ensureRecord } from '../domain/participants';
import { currentRound, roundOf, type ConsensusGame, type Decision } from '../domain/record';
import { archivedReply, isRefusal, proofOf, roundView, rollState, startRoll, type RollState } from '../domain/rounds';
import { resolveRound } from '../domain/votes';
import { ConsensusStore } from '../persistence/consensus.store';
import { RoundRunner } from '../round-runner';
import { maxWaitingRolls, type ConsensusConfig } from '../config';

type ProduceReply = ReplyOf<typeof ProduceRoll>;

/**
 * Rolls: produce-roll (the roll saga's consensus step), the operator's resolve-round, and
 * the public reads (proofs, round status).
 *
 * produce-roll has no ordering key: it waits for reveals, which must not queue behind it.
 * It waits inside the handler up to PRODUCE_ROLL_WAIT_MS (below the ack wait), and only
 * MAX_WAITING_ROLLS at once per replica so waiting rolls never hold every handler slot.
 */
@Controller()
export class RollsHandlers {
  private waiting = 0;
  private readonly maxWaiting: number;

  constructor(
    private readonly runner: RoundRunner,
    private readonly store: ConsensusStore,
    @Inject(SERVICE_CONFIG) private readonly config: ConsensusConfig,
  ) {
    this.maxWaiting = maxWaitingRolls(config);
  }

  /** produce-roll commands waiting in this replica now. */
  get waitingRolls(): number {
    return this.waiting;
  }

  @OnCommand(ProduceRoll)
  async produce(cmd: PayloadOf<typeof ProduceRoll>): Promise<ProduceReply> {
    const started = Date.now();
    const settings = await this.runner.settingsFor(cmd.gameId);
    if (isRefusal(settings)) return settings;
    let state = (
      await this.runner.write(cmd.gameId, (g, ctx): Decision<RollState> => {
        const base = ensureRecord(g, cmd.gameId, settings, ctx);
        const d = startRoll(base, cmd, ctx);
        return { next: d.next ?? (base !== g ? base : undefined), reply: d.reply };
      })
    ).reply;
    if (state.kind === 'wait') {
      if (this.waiting >= this.maxWaiting) return this.stillWaiting(cmd.rollIndex, state.deadline);
      this.waiting++;
      try {
        const budgetEnds = started + this.config.PRODUCE_ROLL_WAIT_MS;
        while (state.kind === 'wait') {
          if (Date.now() >= budgetEnds) return this.stillWaiting(cmd.rollIndex, state.deadline);
          await this.runner.waitForChange(cmd.gameId, Math.min(state.deadline, budgetEnds), this.config.ROLL_POLL_INTERVAL_MS);
          state = (await this.runner.write(cmd.gameId, (g): Decision<RollState> => ({ reply: g ? rollState(g, cmd.rollIndex) : { kind: 'archived' } }))).reply;
        }
      } finally {
        this.waiting--;
      }
    }
    if (state.kind === 'answer') return state.reply;
    const proof = await this.store.proof(cmd.gameId, cmd.rollIndex);
    return proof ? archivedReply(proof, settings.consensus) : refuse('CONFLICT', `roll ${cmd.rollIndex} is too old to answer`);
  }

  private stillWaiting(rollIndex: number, deadline: number): ProduceReply {
    return refuse('SERVICE_UNAVAILABLE', `roll ${rollIndex} is waiting for reveals or votes until ${new Date(deadline).toISOString()}: retry`);
  }

  @OnCommand(ResolveRound)
  async resolve(cmd: PayloadOf<typeof ResolveRound>): Promise<ReplyOf<typeof ResolveRound>> {
    const res = await this.runner.write(cmd.gameId, (g, ctx) => (g ? resolveRound(g, cmd, ctx.now) : { reply: refuse('GAME_NOT_FOUND', `consensus knows no game ${cmd.gameId}`) }));
    return res.reply;
  }

  @OnQuery(GetRollProof)
  async proof(q: PayloadOf<typeof GetRollProof>): Promise<ReplyOf<typeof GetRollProof>> {
    const stored = await this.store.proof(q.gameId, q.rollIndex);
    if (stored) return { ok: true, proof: stored };
    const g = await this.store.get(q.gameId);
    if (!g) return refuse('GAME_NOT_FOUND', `consensus knows no game ${q.gameId}`);
    const r = roundOf(g, q.rollIndex);
    const proof = r ? proofOf(g.gameId, r) : null;
    return proof ? { ok: true, proof } : refuse('NOT_FOUND', `roll ${q.rollIndex} has no dice (yet)`);
  }

  @OnQuery(GetRoundStatus)
  async status(q: PayloadOf<typeof GetRoundStatus>): Promise<ReplyOf<typeof GetRoundStatus>> {
    const g: ConsensusGame | null = await this.store.get(q.gameId);
    if (!g) return refuse('GAME_NOT_FOUND', `consensus knows no game ${q.gameId}`);
    const r = q.rollIndex === undefined ? currentRound(g) : roundOf(g, q.rollIndex);
    if (!r) return refuse('NOT_FOUND', `no round ${q.rollIndex} (or too old: see its proof)`);
    return { ok: true, round: roundView(g, r), faults: g.faults, housePublicKey: this.runner.housePublicKey };
  }
}
