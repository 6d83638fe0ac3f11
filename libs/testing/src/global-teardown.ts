import type { Infrastructure } from './infrastructure';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __BITCRAPS_INFRA__?: Infrastructure };
  await g.__BITCRAPS_INFRA__?.stop();
  g.__BITCRAPS_INFRA__ = undefined;
}
