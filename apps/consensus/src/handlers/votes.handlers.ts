import { Controller } from '@nestjs/common';
import { refuse, SubmitVote, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand } from '@bitcraps/messaging';
import { submitVote } from '../domain/votes';
import { ConsensusMetrics } from '../consensus.metrics';
import { RoundRunner } from '../round-runner';

const byGame = (c: { gameId: string }) => `consensus:${c.gameId}`;

/** Quorum votes: signatures of a round's result. */
@Controller()
export class VotesHandlers {
  constructor(
    private readonly runner: RoundRunner,
    private readonly metrics: ConsensusMetrics,
  ) {}

  @OnCommand(SubmitVote, { orderingKey: byGame })
  async vote(cmd: PayloadOf<typeof SubmitVote>): Promise<ReplyOf<typeof SubmitVote>> {
    const res = await this.runner.write(cmd.gameId, (g, ctx) => (g ? submitVote(g, cmd, ctx) : { reply: refuse('GAME_NOT_FOUND', `consensus knows no game ${cmd.gameId}`) }));
    if (res.written && res.reply.ok && res.reply.byzantine) this.metrics.faults.inc({ kind: 'byzantine' });
    return res.reply;
  }
}
