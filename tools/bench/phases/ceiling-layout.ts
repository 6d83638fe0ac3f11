/** Streams, consumers and buckets of the bare JetStream ceiling: names no service uses. */
export const CEILING = {
  commandStream: 'BENCH_CEIL_CMD',
  commandPrefix: 'ceil.cmd',
  eventStream: 'BENCH_CEIL_EVT',
  eventPrefix: 'ceil.evt',
  sagaBucket: 'bench_ceil_sagas',
  serviceBucket: 'bench_ceil_services',
  /** A join saga's four steps. */
  services: ['player', 'lifecycle', 'treasury', 'consensus'],
} as const;
