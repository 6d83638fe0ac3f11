import { Controller } from '@nestjs/common';
import { RecordBet, ReleaseBetHold, RemoveBet, ValidateBet, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand } from '@bitcraps/messaging';
import { checkBet, recordBet, releaseBetHold, removeBet } from '../domain/bets';
import { GameRunner } from '../game-runner';

const byGame = (c: { gameId: string }) => c.gameId;

/** Bets on the layout: the bet saga's validate and record steps, and the removal and hold release that compensate them. */
@Controller()
export class BetsHandlers {
  constructor(private readonly runner: GameRunner) {}

  @OnCommand(ValidateBet, { orderingKey: byGame })
  validate(cmd: PayloadOf<typeof ValidateBet>): Promise<ReplyOf<typeof ValidateBet>> {
    return this.runner.command(cmd.gameId, (g, now) => checkBet(g, cmd, now));
  }

  @OnCommand(RecordBet, { orderingKey: byGame })
  record(cmd: PayloadOf<typeof RecordBet>): Promise<ReplyOf<typeof RecordBet>> {
    return this.runner.command(cmd.gameId, (g) => recordBet(g, cmd));
  }

  @OnCommand(RemoveBet, { orderingKey: byGame })
  remove(cmd: PayloadOf<typeof RemoveBet>): Promise<ReplyOf<typeof RemoveBet>> {
    return this.runner.command(cmd.gameId, (g) => removeBet(g, cmd));
  }

  @OnCommand(ReleaseBetHold, { orderingKey: byGame })
  releaseHold(cmd: PayloadOf<typeof ReleaseBetHold>): Promise<ReplyOf<typeof ReleaseBetHold>> {
    return this.runner.command(cmd.gameId, (g) => releaseBetHold(g, cmd));
  }
}
