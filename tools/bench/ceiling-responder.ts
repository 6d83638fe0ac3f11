/**
 * The far side of the bare JetStream ceiling (tools/bench/phases/ceiling.ts): for each
 * stand-in service of a join (CEILING.services: the start command's and the five steps'),
 * one durable pull consumer on the work-queue stream, and
 * per command one KV compare-and-set write (a create) and one reply published on the
 * event stream, then the ack: a service with the transport's shape and no logic.
 * Started as a child process by the bench; prints `ready` once it consumes.
 */
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, headers } from '@nats-io/transport-node';
import { CEILING } from './phases/ceiling-layout';

async function main(): Promise<void> {
  const nc = await connect({ servers: process.env.NATS_URL!, name: 'ceiling-responder', noAsyncTraces: true });
  const js = jetstream(nc);
  const kv = await new Kvm(nc).open(CEILING.serviceBucket);
  const concurrency = Number(process.env.CONCURRENCY ?? 32);

  const handle = async (svc: string, m: JsMsg) => {
    const { sagaId } = m.json<{ sagaId: string }>();
    await kv.create(`${svc}.${sagaId}`, JSON.stringify({ sagaId, svc, at: Date.now() }));
    const h = headers();
    h.set('causation-id', m.headers?.get('Nats-Msg-Id') ?? '');
    h.set('correlation-id', sagaId);
    await js.publish(`${CEILING.eventPrefix}.${svc}`, JSON.stringify({ ok: true }), { msgID: `reply:${m.headers?.get('Nats-Msg-Id')}`, headers: h });
    m.ack();
  };

  const loops = CEILING.services.map(async (svc) => {
    const consumer = await js.consumers.get(CEILING.commandStream, `ceil-${svc}`);
    const messages = await consumer.consume({ max_messages: 64 });
    let running = 0;
    const waiters: Array<() => void> = [];
    for await (const m of messages) {
      if (running >= concurrency) await new Promise<void>((r) => waiters.push(r));
      running++;
      void handle(svc, m)
        .catch((err) => {
          process.stderr.write(`ceiling responder: ${(err as Error).message}\n`);
          m.nak();
        })
        .finally(() => {
          running--;
          waiters.shift()?.();
        });
    }
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void nc.drain().then(() => process.exit(0)));
  await Promise.all(loops);
}

void main().catch((err) => {
  process.stderr.write(`ceiling responder failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
