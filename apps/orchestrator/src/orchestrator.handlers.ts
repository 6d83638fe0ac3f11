import { Controller } from '@nestjs/common';
import { GetSaga, ListSagas, refuse, StartBet, StartJoin, StartLeave, StartRoll, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { TERMINAL } from '@bitcraps/saga';
import { SagaRunner } from './saga-runner';
import { betSaga, joinSaga, leaveSaga, rollSaga } from './sagas';
import { toSagaView } from './saga-view';

/** Starting a saga answers as soon as it is stored; its end is published as SagaEnded. */
@Controller()
export class OrchestratorHandlers {
  constructor(private readonly runner: SagaRunner) {}

  @OnCommand(StartJoin)
  async join(c: PayloadOf<typeof StartJoin>): Promise<ReplyOf<typeof StartJoin>> {
    const s = await this.runner.start(joinSaga, c.sagaId, { ...c });
    return { ok: true, sagaId: s.sagaId, status: s.status };
  }

  @OnCommand(StartBet)
  async bet(c: PayloadOf<typeof StartBet>): Promise<ReplyOf<typeof StartBet>> {
    const s = await this.runner.start(betSaga, c.sagaId, { ...c });
    return { ok: true, sagaId: s.sagaId, status: s.status };
  }

  @OnCommand(StartLeave)
  async leave(c: PayloadOf<typeof StartLeave>): Promise<ReplyOf<typeof StartLeave>> {
    const s = await this.runner.start(leaveSaga, c.sagaId, { ...c });
    return { ok: true, sagaId: s.sagaId, status: s.status };
  }

  @OnCommand(StartRoll)
  async roll(c: PayloadOf<typeof StartRoll>): Promise<ReplyOf<typeof StartRoll>> {
    const s = await this.runner.start(rollSaga, c.sagaId, { ...c });
    return { ok: true, sagaId: s.sagaId, status: s.status };
  }

  @OnQuery(GetSaga)
  async get(q: PayloadOf<typeof GetSaga>): Promise<ReplyOf<typeof GetSaga>> {
    await this.runner.ready;
    const loaded = await this.runner.store.load(q.sagaId);
    return loaded ? { ok: true, saga: toSagaView(loaded.state) } : refuse('SAGA_NOT_FOUND', `no saga ${q.sagaId}`);
  }

  @OnQuery(ListSagas)
  async list(q: PayloadOf<typeof ListSagas>): Promise<ReplyOf<typeof ListSagas>> {
    await this.runner.ready;
    const ids = q.unfinishedOnly ? await this.runner.store.unfinished() : [];
    const views = [];
    for (const id of ids.slice(0, 500)) {
      const loaded = await this.runner.store.load(id);
      if (loaded && (!q.unfinishedOnly || !TERMINAL.has(loaded.state.status))) views.push(toSagaView(loaded.state));
    }
    return { ok: true, sagas: views };
  }
}
