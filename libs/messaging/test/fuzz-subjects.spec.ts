import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { z } from 'zod';
import { jetstream, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { defineCommand, defineQuery, PositiveChipsSchema, refuse, type PayloadOf } from '@bitcraps/contracts';
import { encodeText, hostileBody, hostileEnvelope, Infrastructure, MAX_PAYLOAD, rawBytes, weirdNumber } from '@bitcraps/testing';
import { connectNats, JetStreamClientProxy, JetStreamServer, OnCommand, OnQuery, waitFor } from '../src';

/**
 * Hostile messages straight onto the command and query subjects of a service built on
 * JetStreamServer (DESIGN.md section 12: any malformed, hostile or oversized input on a
 * subject gets a clear answer, no crash, no state change). Every command message the
 * stream accepted must be dead-lettered (`dlq.<subject>`) or answered on EVT; the
 * consumer must keep going (a valid command after each batch is answered); only valid
 * commands change anything; no prototype gets polluted.
 */
const service = `fz${randomUUID().replace(/[^a-f]/g, '').slice(0, 10)}`;

const Work = defineCommand({
  service,
  verb: 'work',
  fact: 'worked',
  payload: z.strictObject({ id: z.string().min(1).max(64), amount: PositiveChipsSchema, note: z.string().max(100).optional() }),
  ok: { id: z.string(), amount: z.number() },
});
const Peek = defineQuery({ service, verb: 'peek', payload: z.strictObject({ id: z.string().min(1).max(64) }), ok: { applied: z.boolean() } });

/** What the handlers did: the only state a message may change. */
const applied = new Set<string>();

@Controller()
class FuzzHandlers {
  @OnCommand(Work)
  async work(cmd: PayloadOf<typeof Work>) {
    // a bug on a valid input: redelivered, then dead-lettered and answered INTERNAL_ERROR
    if (cmd.note === 'explode') throw new Error('the handler blew up');
    if (cmd.amount > 1_000) return refuse('BET_LIMIT', 'at most 1000');
    applied.add(cmd.id);
    return { ok: true as const, id: cmd.id, amount: cmd.amount };
  }

  @OnQuery(Peek)
  async peek(q: PayloadOf<typeof Peek>) {
    return { ok: true as const, applied: applied.has(q.id) };
  }
}

@Module({ controllers: [FuzzHandlers] })
class FuzzModule {}

// ------------------------------------------------------------------ hostile input

interface Hostile {
  verb: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

const enc = encodeText;
const goodId = () => `fz-${randomUUID()}`;

const validPayload = fc.record({ id: fc.string({ minLength: 1, maxLength: 64 }), amount: fc.integer({ min: 1, max: 2_000 }), note: fc.constantFrom(undefined, 'hi', 'explode') });

/** Bodies (libs/testing's hostile bodies) around valid payloads and shapes near the schema with wrong values. */
const body = hostileBody(
  fc.oneof(
    validPayload.map((p) => JSON.stringify(p)),
    fc.record({ id: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string())), amount: fc.oneof(weirdNumber, fc.string(), fc.constant(null)), note: fc.anything() }, { requiredKeys: [] }).map((p) => JSON.stringify(p) ?? 'null'),
  ),
  ['note', 'id', 'amount'],
);

const hostile: fc.Arbitrary<Hostile> = fc.record({
  verb: fc.oneof({ weight: 8, arbitrary: fc.constant('work') }, { weight: 1, arbitrary: fc.constantFrom('peek', 'Work', 'work.extra', 'nope', 'wörk', '_') }),
  headers: hostileEnvelope('CMD'),
  body: fc.oneof({ weight: 6, arbitrary: body }, { weight: 1, arbitrary: rawBytes }),
});

// ------------------------------------------------------------------ the harness

/** A hostile command the stream accepted: where its dead letter or reply will be, and what it was. */
interface Sent {
  subject: string;
  seq: number;
  msgId: string;
  sample: { headers: string[][]; body: string; bytes: number };
}

describe('hostile messages on the subjects of a JetStreamServer service', () => {
  let infra: Infrastructure;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let client: JetStreamClientProxy;
  let app: INestMicroservice;
  const replies = new Map<string, unknown>();
  /** Dead letters by id: their reason and, when the body was cut, its original size and hash. */
  const deadLetters = new Map<string, { reason?: string; truncated?: string; sha256?: string; bytes: number }>();
  const watchers: ConsumerMessages[] = [];
  const rejected: string[] = [];
  const watcherErrors: string[] = [];

  beforeAll(async () => {
    infra = await Infrastructure.start();
    app = await NestFactory.createMicroservice(FuzzModule, {
      strategy: new JetStreamServer({ url: infra.natsUrl, service, concurrency: 8, retryBaseMs: 20, consumer: { maxDeliver: 3 } }),
      logger: false,
    });
    await app.listen();
    nc = await connectNats(infra.natsUrl, 'fuzz-subjects');
    js = jetstream(nc);
    client = new JetStreamClientProxy({ url: infra.natsUrl, name: 'fuzz-subjects-client', timeoutMs: 10_000 });
    // read what the streams stored (a core subscriber would also see a publish JetStream refused)
    const watch = async (stream: string, subject: string, into: Map<string, unknown>, value: (m: JsMsg) => unknown) => {
      const consumer = await js.consumers.get(stream, { filter_subjects: subject });
      const messages = await consumer.consume();
      watchers.push(messages);
      void (async () => {
        for await (const m of messages) into.set(m.headers?.get('Nats-Msg-Id') ?? '', value(m));
      })().catch((err) => watcherErrors.push(`${stream}: ${(err as Error).message}`));
    };
    await watch('EVT', `evt.${service}.>`, replies, (m) => m.json());
    await watch('DLQ', `dlq.cmd.${service}.>`, deadLetters as Map<string, unknown>, (m) => ({ reason: m.headers?.get('dlq-reason'), truncated: m.headers?.get('dlq-truncated') || undefined, sha256: m.headers?.get('dlq-sha256'), bytes: m.data.length }));
  }, 60_000);

  afterAll(async () => {
    expect(watcherErrors).toEqual([]);
    for (const w of watchers) await w.close().catch(() => undefined);
    await client?.close();
    await app?.close();
    await nc?.drain().catch(() => undefined);
    await infra?.stop();
  });

  /** Publishes one hostile command; what the stream accepted, and what to look for. */
  async function publish(h: Hostile): Promise<Sent | null> {
    const subject = `cmd.${service}.${h.verb}`;
    const hdrs = natsHeaders();
    for (const [k, v] of h.headers) hdrs.append(k, v);
    try {
      const ack = await js.publish(subject, h.body, { headers: hdrs });
      if (ack.duplicate) return null;
      return { subject, seq: ack.seq, msgId: hdrs.get('Nats-Msg-Id'), sample: { headers: h.headers.map(([k, v]) => [k, v.slice(0, 60)]), body: new TextDecoder().decode(h.body.slice(0, 80)), bytes: h.body.length } };
    } catch (err) {
      // refused by the broker itself (too large, a header it rejects): never reached the service
      rejected.push((err as Error).message);
      return null;
    }
  }

  /** Every accepted message ends dead-lettered or answered. */
  async function accountFor(sent: Sent[], what: string) {
    await waitFor(() => sent.every((s) => deadLetters.has(`dlq:${s.subject}:${s.seq}`) || (s.msgId !== '' && replies.has(`reply:${s.msgId}`))), {
      timeoutMs: 20_000,
      what: `${what}: every hostile message dead-lettered or answered (missing: ${JSON.stringify(sent.filter((s) => !deadLetters.has(`dlq:${s.subject}:${s.seq}`) && !replies.has(`reply:${s.msgId}`)))})`,
    });
    for (const s of sent) {
      const reply = replies.get(`reply:${s.msgId}`) as { ok: boolean } | undefined;
      if (reply && !deadLetters.has(`dlq:${s.subject}:${s.seq}`)) expect(typeof reply.ok).toBe('boolean');
    }
  }

  /** The consumer still serves: a valid command is answered, and it is the only new effect. */
  async function stillServing() {
    const id = `alive-${randomUUID()}`;
    const before = new Set(applied);
    await expect(client.command(Work, { id, amount: 1 }, { timeoutMs: 15_000 })).resolves.toEqual({ ok: true, id, amount: 1 });
    const added = [...applied].filter((x) => !before.has(x));
    expect(added).toEqual([id]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }

  it('dead-letters or answers every hostile command, and keeps consuming', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 8 }), async (batch) => {
        const sent = (await Promise.all(batch.map(publish))).filter((s): s is NonNullable<typeof s> => s !== null);
        await accountFor(sent, `batch of ${batch.length}`);
        await stillServing();
      }),
      { numRuns: 25, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);

  it.each([
    ['a body of half a megabyte that fails the schema', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1']], enc(JSON.stringify({ id: 'x', amount: -1, note: 'y'.repeat(500_000) }))],
    ['a header asking JetStream for the CMD stream (copied onto the dead letter)', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1'], ['Nats-Expected-Stream', 'CMD']], enc('{"id":1}')],
    ['many large headers', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '9'], ...Array.from({ length: 15 }, (_, i) => [`x-junk-${i}`, 'j'.repeat(4_000)] as [string, string])], enc('{}')],
    ['no headers at all', [], enc('{"id":"a","amount":1}')],
    ['a valid envelope and a payload with a prototype key', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1']], enc('{"__proto__":{"polluted":true},"id":"p","amount":1}')],
    ['deeply nested JSON', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1']], enc(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)],
    ['bytes that are not UTF-8', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1']], new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7b])],
    ['a handler that throws on a valid command', [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1']], enc('{"id":"boom","amount":5,"note":"explode"}')],
  ] as Array<[string, Array<[string, string]>, Uint8Array]>)('%s: dead-lettered or answered, and the consumer goes on', async (_name, headers, payload) => {
    const before = rejected.length;
    const sent = await publish({ verb: 'work', headers, body: payload });
    expect({ sent: sent !== null, rejected: rejected.slice(before) }).toEqual({ sent: true, rejected: [] });
    await accountFor([sent!], _name);
    await stillServing();
  }, 60_000);

  it('a command at the broker limit that fails its schema is dead-lettered with its body cut to fit, its size and hash kept', async () => {
    // it fits the 1 MB max_payload by ~150 bytes; a whole copy plus the dead letter's headers would not
    const payload = enc(JSON.stringify({ id: 'x', amount: -1, note: 'y'.repeat(MAX_PAYLOAD - 200) }));
    const sent = await publish({ verb: 'work', headers: [['Nats-Msg-Id', goodId()], ['correlation-id', 'c'], ['version', '1']], body: payload });
    expect(sent).not.toBeNull();
    const key = `dlq:${sent!.subject}:${sent!.seq}`;
    await waitFor(() => deadLetters.has(key), { timeoutMs: 20_000, what: 'the dead letter of the command at the limit' });
    const letter = deadLetters.get(key)!;
    expect(letter).toMatchObject({ truncated: String(payload.length), sha256: createHash('sha256').update(payload).digest('hex') });
    expect(letter.bytes).toBeLessThan(payload.length);
    expect(letter.bytes).toBeGreaterThan(MAX_PAYLOAD - 16_384);
    expect(letter.reason).toMatch(/^schema: amount/);
    expect(replies.has(`reply:${sent!.msgId}`)).toBe(false);
    await stillServing();
  }, 60_000);

  it('answers hostile queries with a refusal or a reply, never silence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('peek', 'nope', 'Peek', 'peek.x'), fc.oneof(body, rawBytes), async (verb, data) => {
        const reply = await nc.request(`qry.${service}.${verb}`, data, { timeout: 5_000 });
        const parsed = reply.json<{ ok: boolean; code?: string }>();
        expect(typeof parsed.ok).toBe('boolean');
        if (verb !== 'peek') expect(parsed).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      }),
      { numRuns: 40 },
    );
    await stillServing();
  }, 60_000);
});
