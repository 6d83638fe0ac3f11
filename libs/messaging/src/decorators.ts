import { MessagePattern } from '@nestjs/microservices';
import type { CommandDef, EventDef, QueryDef } from '@bitcraps/contracts';

/** Extras the transport reads off a handler: the definition that checks its payload. */
export interface HandlerExtras {
  definition: CommandDef | QueryDef | EventDef;
  /** Returns the key whose messages must be handled one at a time (e.g. the game id). */
  orderingKey?: (payload: any) => string | undefined;
}

/**
 * Binds a method to a command. The transport parses the payload with the command's
 * schema first: the method only ever sees valid input, and answers a reply value.
 */
export function OnCommand(definition: CommandDef, options: { orderingKey?: (payload: any) => string | undefined } = {}): MethodDecorator {
  const extras: HandlerExtras = { definition, orderingKey: options.orderingKey };
  return MessagePattern(definition.subject, extras as unknown as Record<string, any>);
}

/** Binds a method to a read served by core NATS request/reply. */
export function OnQuery(definition: QueryDef): MethodDecorator {
  const extras: HandlerExtras = { definition };
  return MessagePattern(definition.subject, extras as unknown as Record<string, any>);
}
