/** Streams, consumers and buckets of the bare JetStream ceiling: names no service uses. */
export const CEILING = {
  commandStream: 'BENCH_CEIL_CMD',
  commandPrefix: 'ceil.cmd',
  eventStream: 'BENCH_CEIL_EVT',
  eventPrefix: 'ceil.evt',
  sagaBucket: 'bench_ceil_sagas',
  serviceBucket: 'bench_ceil_services',
  /**
   * A join's commands: the gateway's start-join to the orchestrator, then its five steps
   * (debit-wallet, seat-player, credit-stack, add-participant, confirm-seat).
   */
  services: ['orchestrator', 'player', 'lifecycle', 'treasury', 'consensus', 'confirm'],
} as const;
