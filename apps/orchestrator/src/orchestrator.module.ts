import { Module } from '@nestjs/common';

/** The orchestrator: runs the join, bet, roll, leave and expire sagas (KV `sagas`). Its command handlers arrive with their issue; today it boots, consumes cmd.orchestrator.> and reports health. */
@Module({})
export class OrchestratorModule {}
