import { Controller, Get, Inject } from '@nestjs/common';
import { GetStats } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { okOrThrow } from '../http/replies';
import type { GatewayConfig } from '../config';

/** GET /v1/stats: the stats service's projection of the event log. Public. */
@Controller('v1/stats')
export class StatsController {
  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  async get() {
    return okOrThrow(await this.bus.query(GetStats, {}, { timeoutMs: this.config.REQUEST_TIMEOUT_MS })).stats;
  }
}
