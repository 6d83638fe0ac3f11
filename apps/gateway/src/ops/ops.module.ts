import { Module } from '@nestjs/common';
import { OpsController } from './ops.controller';
import { OpsMonitor } from './ops-monitor';

/** The operator view (GET /ops and /v1/ops/*); reads only: queries and EVT. */
@Module({
  controllers: [OpsController],
  providers: [OpsMonitor],
})
export class OpsModule {}
