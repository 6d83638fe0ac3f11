import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Infrastructure } from './infrastructure';
import { STANDARD_PORTS, tcpExchange } from './ports';
import { sharedInfraUrls } from './names';

describe('test infrastructure', () => {
  it('the global setup started servers away from the standard ports', () => {
    const { natsUrl, redisUrl } = sharedInfraUrls();
    expect(new URL(natsUrl).port).not.toBe(String(STANDARD_PORTS.nats));
    expect(new URL(redisUrl).port).not.toBe(String(STANDARD_PORTS.redis));
  });

  it('refuses NATS_URL/REDIS_URL on the standard ports', async () => {
    const saved = { n: process.env.NATS_URL, r: process.env.REDIS_URL };
    process.env.NATS_URL = 'nats://127.0.0.1:4222';
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    try {
      await expect(Infrastructure.start({ allowExternal: true })).rejects.toThrow(/standard ports/);
    } finally {
      process.env.NATS_URL = saved.n;
      process.env.REDIS_URL = saved.r;
    }
  });

  it('restarts NATS keeping its streams, and Redis losing its keys', async () => {
    const infra = await Infrastructure.start();
    try {
      let nc = await connect({ servers: infra.natsUrl });
      await (await jetstreamManager(nc)).streams.add({ name: 'KEEP', subjects: ['keep.>'] });
      await nc.close();
      const redisPort = Number(new URL(infra.redisUrl).port);
      expect(await tcpExchange(redisPort, 'SET k v\r\n')).toBe('+OK\r\n');

      await infra.restartNats();
      await infra.restartRedis();

      nc = await connect({ servers: infra.natsUrl });
      expect((await (await jetstreamManager(nc)).streams.info('KEEP')).config.name).toBe('KEEP');
      await nc.close();
      expect(await tcpExchange(redisPort, 'GET k\r\n')).toBe('$-1\r\n');
    } finally {
      await infra.stop();
    }
  });
});
