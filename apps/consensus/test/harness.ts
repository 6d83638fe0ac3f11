import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { HEADER, type CommandDef, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { JetStreamClientProxy, waitFor } from '@bitcraps/messaging';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import { Infrastructure } from '@bitcraps/testing';
import { consensusService } from '../src/consensus.service';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real lifecycle answers consensus's questions (is betting closed?), as in production
import { lifecycleService } from '../../lifecycle/src/lifecycle.service';
import { RoundTimers } from '../src/timers/round-timers';

export interface SeenEvent {
  subject: string;
  msgId: string;
  body: any;
}

/**
 * A private NATS + Redis (the stream names CMD and EVT are fixed), consensus and the
 * lifecycle it asks (games, reserved rolls) in this process, a command client, and a plain subscriber that records every consensus event
 * as published (also those JetStream drops as duplicates).
 */
export class ConsensusHarness {
  app!: ServiceApp;
  lifecycle!: ServiceApp;
  client!: JetStreamClientProxy;
  readonly events: SeenEvent[] = [];
  private sub?: Subscription;

  private constructor(readonly infra: Infrastructure) {}

  static async start(env: Record<string, string> = {}): Promise<ConsensusHarness> {
    const h = new ConsensusHarness(await Infrastructure.start());
    h.client = new JetStreamClientProxy({ url: h.infra.natsUrl, name: 'consensus-test', timeoutMs: 30_000 });
    const nc = await h.client.connect();
    h.sub = nc.subscribe('evt.consensus.>', {
      callback: (_err, msg) => {
        h.events.push({ subject: msg.subject, msgId: msg.headers?.get(HEADER.msgId) ?? '', body: JSON.parse(msg.string()) });
      },
    });
    await nc.flush();
    const base = { ...process.env, NATS_URL: h.infra.natsUrl, REDIS_URL: h.infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'error' };
    h.lifecycle = await createServiceApp(lifecycleService, base);
    h.app = await createServiceApp(consensusService, {
      ...base,
      TIMEOUT_SWEEP_INTERVAL_MS: '25',
      ROLL_POLL_INTERVAL_MS: '25',
      ...env,
    });
    await waitFor(() => h.app.app.get(RoundTimers).rearms > 0, { what: 'the first re-arm' });
    return h;
  }

  /** Sends a command with a fresh message id (a saga retry or a redelivery, not a JetStream duplicate). */
  send<D extends CommandDef>(def: D, payload: PayloadOf<D>): Promise<ReplyOf<D>> {
    return this.client.command(def, payload, { msgId: randomUUID() });
  }

  /** The events stored in stream EVT on `subject` for the game (JetStream dropped the duplicates). */
  async storedEvents(subject: string, gameId: string): Promise<SeenEvent[]> {
    const js = jetstream(await this.client.connect());
    const consumer = await js.consumers.get('EVT', { filter_subjects: subject });
    const found: SeenEvent[] = [];
    const pending = (await consumer.info(true)).num_pending;
    if (pending === 0) return found;
    const batch = await consumer.fetch({ max_messages: pending, expires: 2_000 });
    for await (const m of batch) {
      const body = m.json<any>();
      if (body.gameId === gameId) found.push({ subject: m.subject, msgId: m.headers?.get(HEADER.msgId) ?? '', body });
      if (m.info.pending === 0) break;
    }
    await consumer.delete().catch(() => undefined);
    return found;
  }

  eventsOf(subject: string, gameId: string): SeenEvent[] {
    return this.events.filter((e) => e.subject === subject && e.body.gameId === gameId);
  }

  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    await this.app?.close();
    await this.lifecycle?.close();
    await this.client?.close();
    await this.infra.stop();
  }
}

/** The reply, or a failed test naming the refusal. */
export function ok<R extends { ok: boolean }>(reply: R): Extract<R, { ok: true }> {
  if (!reply.ok) throw new Error(`refused: ${JSON.stringify(reply)}`);
  return reply as Extract<R, { ok: true }>;
}
