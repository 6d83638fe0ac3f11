import { Controller, Get, Module } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { z } from 'zod';
import { connectNats, ensureStreams } from '@bitcraps/messaging';
import { Infrastructure } from '@bitcraps/testing';
import { BaseConfigSchema, createServiceApp, type ServiceDefinition } from '../src';
import { DurabilityError } from '../src/durability';

@Controller('probe')
class ProbeController {
  @Get()
  probe() {
    return { ok: true };
  }
}
@Module({ controllers: [ProbeController] })
class ProbeModule {}

const schema = BaseConfigSchema.extend({ HTTP_PORT: z.coerce.number().int().default(0) });
const moneyService: ServiceDefinition<z.infer<typeof schema>> = {
  service: 'vault',
  module: ProbeModule,
  configSchema: schema,
  consumesCommands: true,
  ownsMoney: { streams: ['VAULT'], buckets: ['vault-docs'] },
};

/** A production start of a money-owning service against a single-node NATS (private servers). */
describe('durability self-check at start', () => {
  let infra: Infrastructure;
  beforeAll(async () => {
    infra = await Infrastructure.start();
  });
  afterAll(async () => {
    await infra.stop();
  });
  const env = (over: Record<string, string> = {}) => ({ NATS_URL: infra.natsUrl, REDIS_URL: infra.redisUrl, HTTP_PORT: '0', LOG_LEVEL: 'silent' as const, ...over });

  it('refuses in production, before creating anything, naming each stream and bucket and its replicas', async () => {
    const err = await createServiceApp(moneyService, env({ NODE_ENV: 'production' })).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DurabilityError);
    const message = (err as Error).message;
    expect(message).toMatch(/^vault: refusing to start in production/);
    for (const what of ['stream CMD', 'stream EVT', 'stream VAULT', 'bucket vault-docs']) expect(message).toContain(`${what} would be created with 1 replica, fewer than 3`);
    const nc = await connectNats(infra.natsUrl, 'durability-test');
    try {
      const names: string[] = [];
      for await (const s of (await jetstreamManager(nc)).streams.list()) names.push(s.config.name);
      expect(names).toEqual([]);
    } finally {
      await nc.close();
    }
  });

  it('reads the streams that exist: their replicas and their de-duplication window', async () => {
    const nc = await connectNats(infra.natsUrl, 'durability-test');
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm, { replicas: 1 });
      await jsm.streams.update('CMD', { duplicate_window: nanos(1_000) });
      const err = await createServiceApp(moneyService, env({ NODE_ENV: 'production' })).then(() => null, (e: unknown) => e);
      expect((err as Error).message).toContain('stream CMD has 1 replica, fewer than 3');
      expect((err as Error).message).toMatch(/stream CMD has a de-duplication window of 1000 ms, shorter than the \d+ ms in which a redelivered command may publish again/);
      expect((err as Error).message).toContain('stream EVT has 1 replica, fewer than 3');
    } finally {
      await nc.close();
    }
  });

  it('starts outside production on the same server', async () => {
    const started = await createServiceApp(moneyService, env({ NODE_ENV: 'development' }));
    try {
      expect((await fetch(`${started.url}/probe`)).status).toBe(200);
    } finally {
      await started.close();
    }
  });
});
