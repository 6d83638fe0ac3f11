import { Module } from '@nestjs/common';
import { OrchestratorHandlers } from './orchestrator.handlers';
import { SagaRunner } from './saga-runner';
import { ExpiryListener } from './expiry.listener';

/** The orchestrator: runs the join, bet, roll, leave and expire sagas (KV `sagas`). */
@Module({ controllers: [OrchestratorHandlers], providers: [SagaRunner, ExpiryListener] })
export class OrchestratorModule {}
