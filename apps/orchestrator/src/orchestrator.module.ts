import { Module } from '@nestjs/common';
import { OrchestratorHandlers } from './orchestrator.handlers';
import { SagaRunner } from './saga-runner';

/** The orchestrator: runs the join, bet, roll, leave and expire sagas (KV `sagas`). */
@Module({ controllers: [OrchestratorHandlers], providers: [SagaRunner] })
export class OrchestratorModule {}
