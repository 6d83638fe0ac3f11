import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { defineCommand, defineQuery, HEADER, refuse, type PayloadOf } from '@bitcraps/contracts';
import { sharedInfraUrls, Infrastructure } from '@bitcraps/testing';
import {
  connectNats,
  JetStreamClientProxy,
  JetStreamContext,
  JetStreamServer,
  KvDocuments,
  OnCommand,
  OnQuery,
  openBucket,
  toNatsHeaders,
  waitFor,
} from '../src';

/** A service name no other suite uses: its consumer filter is `cmd.<name>.>`. */
const letters = () => randomUUID().replace(/[^a-f]/g, '').slice(0, 10).padEnd(10, 'x');

function makeService(service: string) {
  const Work = defineCommand({
    service,
    verb: 'work',
    fact: 'worked',
    payload: z.strictObject({ id: z.string(), failTimes: z.number().int().min(0).default(0) }),
    ok: { id: z.string(), by: z.string(), deliveries: z.number() },
  });
  const Peek = defineQuery({ service, verb: 'peek', payload: z.strictObject({ id: z.string() }), ok: { seen: z.boolean() } });
  return { Work, Peek };
}

interface Effects {
  handledBy: Map<string, string[]>;
  applied: KvDocuments<{ ids: string[] }>;
}

async function startReplica(url: string, service: string, replica: string, effects: Effects, defs: ReturnType<typeof makeService>): Promise<INestMicroservice> {
  const { Work, Peek } = defs;
  @Controller()
  class Handlers {
    @OnCommand(Work)
    async work(@Payload() cmd: PayloadOf<typeof Work>, @Ctx() ctx: JetStreamContext) {
      const list = effects.handledBy.get(cmd.id) ?? [];
      list.push(replica);
      effects.handledBy.set(cmd.id, list);
      // the effect: idempotent by command id, like every real handler
      await effects.applied.update('applied', (cur) => {
        const ids = cur?.ids ?? [];
        return ids.includes(cmd.id) ? { result: undefined } : { next: { ids: [...ids, cmd.id] }, result: undefined };
      });
      // a crash after the effect and before the ack
      if (ctx.getDeliveryCount() <= cmd.failTimes) throw new Error(`injected failure ${ctx.getDeliveryCount()}`);
      return { ok: true as const, id: cmd.id, by: replica, deliveries: ctx.getDeliveryCount() };
    }

    @OnQuery(Peek)
    async peek(q: PayloadOf<typeof Peek>) {
      if (q.id === 'refuse-me') return refuse('NOT_FOUND', 'refused on purpose');
      if (q.id === 'throw-me') throw new Error('the store timed out');
      return { ok: true as const, seen: effects.handledBy.has(q.id) };
    }
  }
  @Module({ controllers: [Handlers] })
  class M {}
  const app = await NestFactory.createMicroservice(M, {
    strategy: new JetStreamServer({ url, service, concurrency: 8, retryBaseMs: 20, consumer: { maxDeliver: 3 } }),
    logger: false,
  });
  await app.listen();
  return app;
}

describe('JetStream transport on a real NATS server', () => {
  const { natsUrl } = sharedInfraUrls();
  let nc: NatsConnection;
  let client: JetStreamClientProxy;
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    nc = await connectNats(natsUrl, 'transport-spec');
    client = new JetStreamClientProxy({ url: natsUrl, name: 'transport-spec-client', timeoutMs: 10_000 });
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await client.close();
    await nc.drain();
  });

  async function setup(replicas: number) {
    const service = letters();
    const defs = makeService(service);
    const effects: Effects = { handledBy: new Map(), applied: new KvDocuments(await openBucket(nc, `t_${service}`), z.object({ ids: z.array(z.string()) })) };
    for (let i = 0; i < replicas; i++) apps.push(await startReplica(natsUrl, service, `r${i}`, effects, defs));
    return { service, ...defs, effects };
  }

  it('hands each command to exactly one of two replicas, and both replicas work', async () => {
    const { Work, effects } = await setup(2);
    const ids = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const replies = await Promise.all(ids.map((id) => client.command(Work, { id, failTimes: 0 })));
    expect(replies.filter((r) => !r.ok)).toEqual([]);
    for (const id of ids) expect(effects.handledBy.get(id)).toHaveLength(1);
    const by = new Set(replies.map((r) => (r.ok ? r.by : '')));
    expect(by).toEqual(new Set(['r0', 'r1']));
    expect((await effects.applied.get('applied'))!.value.ids.sort()).toEqual([...ids].sort());
  });

  it('a redelivered command has one effect, and its caller gets one reply', async () => {
    const { Work, effects } = await setup(1);
    const reply = await client.command(Work, { id: 'retry-me', failTimes: 2 });
    expect(reply).toMatchObject({ ok: true, id: 'retry-me', deliveries: 3 });
    expect(effects.handledBy.get('retry-me')).toHaveLength(3);
    expect((await effects.applied.get('applied'))!.value.ids).toEqual(['retry-me']);
  });

  it('drops a re-sent command with the same id (JetStream de-duplication)', async () => {
    const { Work, effects } = await setup(1);
    const msgId = `dup-${randomUUID()}`;
    const first = await client.command(Work, { id: 'once', failTimes: 0 }, { msgId });
    await client.publishCommand(Work.subject, { id: 'once', failTimes: 0 }, { msgId, correlationId: msgId, version: 1 });
    const marker = await client.command(Work, { id: 'after', failTimes: 0 });
    expect(first.ok && marker.ok).toBe(true);
    expect(effects.handledBy.get('once')).toHaveLength(1);
  });

  it('a command that keeps failing is dead-lettered after maxDeliver and answered INTERNAL_ERROR', async () => {
    const { Work, service } = await setup(1);
    const reply = await client.command(Work, { id: 'doomed', failTimes: 99 });
    expect(reply).toMatchObject({ ok: false, code: 'INTERNAL_ERROR' });
    const jsm = await jetstreamManager(nc);
    const dead = await jsm.streams.getMessage('DLQ', { last_by_subj: `dlq.cmd.${service}.work` });
    expect(dead!.header.get(HEADER.dlqReason)).toMatch(/failed 3 times/);
  });

  it('sends a poison message to the DLQ with the reason and goes on consuming', async () => {
    const { Work, service } = await setup(1);
    const js = jetstream(nc);
    const env = (id: string) => toNatsHeaders({ msgId: id, correlationId: id, version: 1 });
    await js.publish(Work.subject, 'this is not json', { headers: env(`p1-${service}`) });
    await js.publish(Work.subject, JSON.stringify({ id: 42, extra: true }), { headers: env(`p2-${service}`) });
    await js.publish(Work.subject, JSON.stringify({ id: 'x' })); // no envelope at all
    const after = await client.command(Work, { id: 'still-alive', failTimes: 0 });
    expect(after).toMatchObject({ ok: true, id: 'still-alive' });
    const jsm = await jetstreamManager(nc);
    await waitFor(async () => (await jsm.streams.info('DLQ', { subjects_filter: `dlq.cmd.${service}.work` })).state.subjects?.[`dlq.cmd.${service}.work`] === 3, { what: 'three dead letters' });
    const last = await jsm.streams.getMessage('DLQ', { last_by_subj: `dlq.cmd.${service}.work` });
    expect(last!.header.get(HEADER.dlqReason)).toMatch(/bad envelope/);
    expect(last!.header.get(HEADER.dlqSubject)).toBe(Work.subject);
  });

  it('answers queries over request/reply, refusals as values', async () => {
    const { Work, Peek } = await setup(2);
    await client.command(Work, { id: 'q1', failTimes: 0 });
    await expect(client.query(Peek, { id: 'q1' })).resolves.toEqual({ ok: true, seen: true });
    await expect(client.query(Peek, { id: 'refuse-me' })).resolves.toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // a read that throws (a KV timeout while NATS restarts) is "not now", never a 500
    await expect(client.query(Peek, { id: 'throw-me' })).resolves.toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
  });

  it('on close, stops pulling but finishes the command in flight: answered, acknowledged, never redelivered', async () => {
    const service = letters();
    const Slow = defineCommand({ service, verb: 'slow', fact: 'slowed', payload: z.strictObject({ id: z.string() }), ok: { id: z.string() } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    @Controller()
    class SlowHandlers {
      @OnCommand(Slow)
      async slow(@Payload() cmd: PayloadOf<typeof Slow>) {
        calls++;
        await gate;
        return { ok: true as const, id: cmd.id };
      }
    }
    @Module({ controllers: [SlowHandlers] })
    class SlowModule {}
    const app = await NestFactory.createMicroservice(SlowModule, { strategy: new JetStreamServer({ url: natsUrl, service }), logger: false });
    await app.listen();
    const reply = client.command(Slow, { id: 'in-flight' }, { timeoutMs: 20_000 });
    await waitFor(() => calls === 1, { what: 'the handler to start' });
    const closed = app.close();
    release();
    await closed;
    await expect(reply).resolves.toEqual({ ok: true, id: 'in-flight' });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info('CMD', service);
    expect({ pending: info.num_pending, unacked: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({ pending: 0, unacked: 0, redelivered: 0 });
    expect(calls).toBe(1);
  });

  it('answers a command sent while its service was down once the service is back (durable)', async () => {
    const service = letters();
    const defs = makeService(service);
    const effects: Effects = { handledBy: new Map(), applied: new KvDocuments(await openBucket(nc, `t_${service}`), z.object({ ids: z.array(z.string()) })) };
    // provision the consumer, then stop the only replica
    const first = await startReplica(natsUrl, service, 'r0', effects, defs);
    await first.close();
    const pending = client.command(defs.Work, { id: 'while-down', failTimes: 0 }, { timeoutMs: 20_000 });
    apps.push(await startReplica(natsUrl, service, 'r1', effects, defs));
    await expect(pending).resolves.toMatchObject({ ok: true, by: 'r1' });
  });
});

describe('JetStream transport across a NATS restart', () => {
  let infra: Infrastructure;
  beforeAll(async () => {
    infra = await Infrastructure.start();
  });
  afterAll(async () => {
    await infra.stop();
  });

  it('reconnects by itself and resumes consuming', async () => {
    const service = letters();
    const defs = makeService(service);
    const nc = await connectNats(infra.natsUrl, 'restart-spec');
    const effects: Effects = { handledBy: new Map(), applied: new KvDocuments(await openBucket(nc, `t_${service}`), z.object({ ids: z.array(z.string()) })) };
    const app = await startReplica(infra.natsUrl, service, 'r0', effects, defs);
    const client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'restart-client', timeoutMs: 15_000 });
    try {
      await expect(client.command(defs.Work, { id: 'before', failTimes: 0 })).resolves.toMatchObject({ ok: true });
      await infra.restartNats();
      // the client and the server reconnect on their own; retry until the server is back
      const reply = await waitFor(
        () => client.command(defs.Work, { id: 'after', failTimes: 0 }, { msgId: 'after-restart', timeoutMs: 3_000 }),
        { timeoutMs: 30_000, intervalMs: 200, what: 'a reply after the NATS restart' },
      );
      expect(reply).toMatchObject({ ok: true, id: 'after' });
      expect((await effects.applied.get('applied'))!.value.ids).toEqual(['before', 'after']);
    } finally {
      await client.close();
      await app.close();
      await nc.drain().catch(() => undefined);
    }
  });
});
