import { Infrastructure } from './infrastructure';

/**
 * Jest global setup: starts NATS and Redis once per project run and hands their URLs
 * to the workers through the environment (workers are spawned after this runs).
 */
export default async function globalSetup(): Promise<void> {
  const infra = await Infrastructure.start({ allowExternal: true });
  (globalThis as { __BITCRAPS_INFRA__?: Infrastructure }).__BITCRAPS_INFRA__ = infra;
  process.env.NATS_URL = infra.natsUrl;
  process.env.REDIS_URL = infra.redisUrl;
  process.env.BITCRAPS_TEST_INFRA = infra.mode;
}
