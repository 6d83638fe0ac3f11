import type { JetStreamClientProxy } from '@bitcraps/messaging';
import type { CommandPort, OutgoingCommand, StepOutcome } from '@bitcraps/saga';

/** Refusals that mean "not now" rather than "no": retried, never compensated at once. */
// CONFLICT is final (another bet under this id, a tombstone, a mismatch): only TRY_AGAIN means "later"
const TRANSIENT_CODES = new Set(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'TRY_AGAIN']);

/** Sends saga steps as JetStream commands and reads their replies as outcomes. */
export class JetStreamCommandPort implements CommandPort {
  constructor(private readonly bus: JetStreamClientProxy) {}

  async send(command: OutgoingCommand, env: { msgId: string; correlationId: string; timeoutMs: number }): Promise<StepOutcome> {
    const reply = (await this.bus.command(command.def, command.payload as never, {
      msgId: env.msgId,
      correlationId: env.correlationId,
      timeoutMs: env.timeoutMs,
    })) as { ok: true } | { ok: false; code: string; message: string };
    if (reply.ok) return { kind: 'ok', reply };
    if (TRANSIENT_CODES.has(reply.code)) return { kind: 'transient', message: `${reply.code}: ${reply.message}` };
    return { kind: 'refused', code: reply.code, message: reply.message };
  }
}
