import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, headers, nanos } from '@nats-io/transport-node';
import { ratePerSecond, summarize, type LatencySummary } from '../harness/stats';
import { CEILING } from './ceiling-layout';

export interface CeilingRun {
  sagas: number;
  elapsedMs: number;
  rate: number;
  latency: LatencySummary;
  /** Per saga: commands (each with its reply event) and KV compare-and-set writes. */
  shape: { commands: number; kvWrites: number };
}

const ROOT = join(__dirname, '..', '..', '..');

/**
 * What JetStream alone allows for sagas shaped like a join, on the same server and
 * machine, with no service logic. Every command is published to a work-queue stream
 * (with its msg id, awaiting the ack) and taken by a pull consumer in another process
 * that does one KV create and publishes a reply event. Per saga, as a join: the start
 * command, a KV create of the saga (its first step recorded as started), then for
 * each of the five steps the command and its reply and a KV compare-and-set (the step
 * done and the next one started, as the saga engine writes them): 6 commands and 12 KV
 * writes (6 by the services, 6 of the saga). `sagas` sagas with `clients` at once, as
 * the join benchmark.
 */
export async function bareJetStreamCeiling(natsUrl: string, sagas: number, clients: number): Promise<CeilingRun> {
  const nc = await connect({ servers: natsUrl, name: 'bench-ceiling', noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: CEILING.commandStream, subjects: [`${CEILING.commandPrefix}.>`], retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: nanos(120_000) });
  await jsm.streams.add({ name: CEILING.eventStream, subjects: [`${CEILING.eventPrefix}.>`], retention: RetentionPolicy.Limits, storage: StorageType.File, duplicate_window: nanos(120_000) });
  for (const svc of CEILING.services) {
    await jsm.consumers.add(CEILING.commandStream, {
      durable_name: `ceil-${svc}`,
      filter_subject: `${CEILING.commandPrefix}.${svc}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: 256,
    });
  }
  const kvm = new Kvm(nc);
  const sagaKv = await kvm.create(CEILING.sagaBucket, { history: 1 });
  await kvm.create(CEILING.serviceBucket, { history: 1 });

  const responder = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'ceiling-responder.ts')], {
    cwd: ROOT,
    env: { ...process.env, NATS_URL: natsUrl, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    responder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    responder.once('exit', (code) => reject(new Error(`the ceiling responder exited (${code}) before it was ready`)));
  });

  const js = jetstream(nc);
  const pending = new Map<string, () => void>();
  nc.subscribe(`${CEILING.eventPrefix}.>`, {
    callback: (err, msg) => {
      if (err) return;
      const cause = msg.headers?.get('causation-id');
      const resolve = cause ? pending.get(cause) : undefined;
      if (resolve) {
        pending.delete(cause!);
        resolve();
      }
    },
  });
  await nc.flush();

  const command = async (sagaId: string, i: number) => {
    const msgId = `${sagaId}:${i}`;
    const reply = new Promise<void>((resolve) => pending.set(msgId, resolve));
    const h = headers();
    h.set('correlation-id', sagaId);
    await js.publish(`${CEILING.commandPrefix}.${CEILING.services[i]!}.step`, JSON.stringify({ sagaId, step: i }), { msgID: msgId, headers: h });
    await reply;
  };
  const [, ...steps] = CEILING.services;
  const oneSaga = async () => {
    const sagaId = randomUUID();
    const state = (step: number, status: string) =>
      JSON.stringify({ sagaId, type: 'join', steps: steps.map((name, i) => ({ name, status: i < step ? 'done' : i === step ? status : 'pending' })) });
    await command(sagaId, 0); // the gateway's start command
    let revision = await sagaKv.create(sagaId, state(0, 'started'));
    for (let i = 0; i < steps.length; i++) {
      await command(sagaId, i + 1);
      revision = await sagaKv.update(sagaId, state(i + 1, 'started'), revision);
    }
  };

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < sagas) {
        next++;
        const t = performance.now();
        await oneSaga();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsedMs = performance.now() - started;

  responder.kill('SIGTERM');
  await new Promise((r) => responder.once('exit', r));
  await jsm.streams.delete(CEILING.commandStream).catch(() => undefined);
  await jsm.streams.delete(CEILING.eventStream).catch(() => undefined);
  await kvm.open(CEILING.sagaBucket).then((kv) => kv.destroy()).catch(() => undefined);
  await kvm.open(CEILING.serviceBucket).then((kv) => kv.destroy()).catch(() => undefined);
  await nc.drain();
  return {
    sagas,
    elapsedMs,
    rate: ratePerSecond(sagas, elapsedMs),
    latency: summarize(latencies),
    // a responder's create per command, the saga's create, two writes per step
    shape: { commands: CEILING.services.length, kvWrites: CEILING.services.length + 1 + steps.length },
  };
}
