import { Controller } from '@nestjs/common';
import { CommitSeed, refuse, RevealSeed, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand } from '@bitcraps/messaging';
import { commitSeed, revealSeed } from '../domain/rounds';
import { RoundRunner } from '../round-runner';

const byGame = (c: { gameId: string }) => `consensus:${c.gameId}`;
const noGame = (gameId: string) => refuse('GAME_NOT_FOUND', `consensus knows no game ${gameId}`);

/** Players' seeds: commitments while the round is open, reveals until the deadline. */
@Controller()
export class SeedsHandlers {
  constructor(private readonly runner: RoundRunner) {}

  @OnCommand(CommitSeed, { orderingKey: byGame })
  async commit(cmd: PayloadOf<typeof CommitSeed>): Promise<ReplyOf<typeof CommitSeed>> {
    // asked first: a commitment accepted on this answer is one sent while betting was open (nothing
    // about the roll is known between the answer and the write; produce-roll still closes the round)
    const reserved = await this.runner.reservedRoll(cmd.gameId);
    return (await this.runner.write(cmd.gameId, (g) => (g ? commitSeed(g, cmd, reserved) : { reply: noGame(cmd.gameId) }))).reply;
  }

  @OnCommand(RevealSeed, { orderingKey: byGame })
  async reveal(cmd: PayloadOf<typeof RevealSeed>): Promise<ReplyOf<typeof RevealSeed>> {
    return (await this.runner.write(cmd.gameId, (g, ctx) => (g ? revealSeed(g, cmd, ctx.now) : { reply: noGame(cmd.gameId) }))).reply;
  }
}
