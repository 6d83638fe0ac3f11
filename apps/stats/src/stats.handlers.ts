import { Controller } from '@nestjs/common';
import { GetStats, type ReplyOf } from '@bitcraps/contracts';
import { OnQuery } from '@bitcraps/messaging';
import { StatsProjector } from './stats.projector';

@Controller()
export class StatsHandlers {
  constructor(private readonly projector: StatsProjector) {}

  @OnQuery(GetStats)
  async get(): Promise<ReplyOf<typeof GetStats>> {
    return { ok: true, stats: this.projector.figures };
  }
}
