import { BaseRpcContext } from '@nestjs/microservices';
import type { Envelope } from '@bitcraps/contracts';

type Args = [subject: string, envelope: Envelope, deliveryCount: number];

/** What a handler may know about the message it handles (`@Ctx()`). */
export class JetStreamContext extends BaseRpcContext<Args> {
  getSubject(): string {
    return this.args[0];
  }
  getEnvelope(): Envelope {
    return this.args[1];
  }
  /** 1 on the first delivery; more means a redelivery. */
  getDeliveryCount(): number {
    return this.args[2];
  }
}
