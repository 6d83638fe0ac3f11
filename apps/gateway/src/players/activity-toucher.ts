import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TouchActivity } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import type { GatewayConfig } from '../config';
import { TouchThrottle } from './touch-throttle';

/**
 * Tells the player service that a player is active (its sessions), at most once per
 * player per ACTIVITY_TOUCH_INTERVAL_MS. Fire-and-forget: the command is published
 * without waiting for its reply nor its publish ack, so a request is never slowed or
 * failed by it; while the player service is down the command waits in JetStream.
 */
@Injectable()
export class ActivityToucher {
  private readonly logger = new Logger('activity');
  private readonly throttle: TouchThrottle;

  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
  ) {
    this.throttle = new TouchThrottle(config.ACTIVITY_TOUCH_INTERVAL_MS);
  }

  touch(playerId: string): void {
    const now = Date.now();
    if (!this.throttle.take(playerId, now)) return;
    const activityId = `a_${randomUUID()}`;
    const payload = TouchActivity.payload.parse({ playerId, activityId, at: new Date(now).toISOString() });
    this.bus
      .publishCommand(TouchActivity.subject, payload, { msgId: activityId, correlationId: activityId, version: 1 })
      .catch((err: unknown) => this.logger.debug(`activity of ${playerId} not sent: ${String(err)}`));
  }
}
