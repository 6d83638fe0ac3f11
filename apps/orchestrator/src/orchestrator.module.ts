import { Module } from '@nestjs/common';
import { OrchestratorHandlers } from './orchestrator.handlers';
import { SagaRunner } from './saga-runner';
import { EventTriggers } from './event-triggers';

/** The orchestrator: runs the join, bet, roll, leave and expire sagas (KV `sagas`). */
@Module({ controllers: [OrchestratorHandlers], providers: [SagaRunner, EventTriggers] })
export class OrchestratorModule {}
