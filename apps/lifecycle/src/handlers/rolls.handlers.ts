import { Controller } from '@nestjs/common';
import { ApplyRoll, CancelRoll, CheckShooter, CloseRound, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand } from '@bitcraps/messaging';
import { applyRollTo, cancelRoll, checkShooter, closeRound } from '../domain/rolls';
import { GameRunner } from '../game-runner';

const byGame = (c: { gameId: string }) => c.gameId;

/** Rolls: the roll saga's lifecycle steps (check-shooter, apply-roll, close-round) and cancel-roll. */
@Controller()
export class RollsHandlers {
  constructor(private readonly runner: GameRunner) {}

  @OnCommand(CheckShooter, { orderingKey: byGame })
  check(cmd: PayloadOf<typeof CheckShooter>): Promise<ReplyOf<typeof CheckShooter>> {
    return this.runner.command(cmd.gameId, (g, now) => checkShooter(g, cmd, now));
  }

  @OnCommand(CancelRoll, { orderingKey: byGame })
  cancel(cmd: PayloadOf<typeof CancelRoll>): Promise<ReplyOf<typeof CancelRoll>> {
    return this.runner.command(cmd.gameId, (g, now) => cancelRoll(g, cmd.checkOpId, now));
  }

  @OnCommand(ApplyRoll, { orderingKey: byGame })
  apply(cmd: PayloadOf<typeof ApplyRoll>): Promise<ReplyOf<typeof ApplyRoll>> {
    return this.runner.command(cmd.gameId, (g, now) => applyRollTo(g, cmd, now));
  }

  @OnCommand(CloseRound, { orderingKey: byGame })
  closeRound(cmd: PayloadOf<typeof CloseRound>): Promise<ReplyOf<typeof CloseRound>> {
    return this.runner.command(cmd.gameId, (g) => closeRound(g, cmd.rollIndex));
  }
}
