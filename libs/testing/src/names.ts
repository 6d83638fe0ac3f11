import { randomUUID } from 'node:crypto';

/** A name no other suite uses (bucket, consumer, key prefix): tests of a project share servers. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** The URLs the global setup started, or a clear error when a suite runs without it. */
export function sharedInfraUrls(): { natsUrl: string; redisUrl: string } {
  const natsUrl = process.env.NATS_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!natsUrl || !redisUrl || !process.env.BITCRAPS_TEST_INFRA) {
    throw new Error('no test infrastructure: run through jest with the @bitcraps/testing global setup');
  }
  return { natsUrl, redisUrl };
}
