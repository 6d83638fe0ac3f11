import { commandTimes, timesBetween } from './metrics';

const METRICS = `
# HELP bitcraps_command_duration_seconds Command handling time
# TYPE bitcraps_command_duration_seconds histogram
bitcraps_command_duration_seconds_bucket{le="0.005",subject="cmd.player.debit-wallet",outcome="ok"} 3
bitcraps_command_duration_seconds_sum{subject="cmd.player.debit-wallet",outcome="ok"} 0.5
bitcraps_command_duration_seconds_count{subject="cmd.player.debit-wallet",outcome="ok"} 10
bitcraps_command_duration_seconds_sum{subject="cmd.player.debit-wallet",outcome="refused"} 0.1
bitcraps_command_duration_seconds_count{subject="cmd.player.debit-wallet",outcome="refused"} 2
bitcraps_command_duration_seconds_sum{subject="cmd.player.register-player",outcome="ok"} 1e-2
bitcraps_command_duration_seconds_count{subject="cmd.player.register-player",outcome="ok"} 1
process_cpu_seconds_total 12
`;

describe('command times from /metrics', () => {
  it('sums count and time per subject over every outcome', () => {
    const t = commandTimes(METRICS);
    expect(t.get('cmd.player.debit-wallet')).toEqual({ count: 12, sum: 0.6 });
    expect(t.get('cmd.player.register-player')).toEqual({ count: 1, sum: 0.01 });
    expect(t.size).toBe(2);
  });

  it('gives the commands handled between two readings with their mean time, busiest first', () => {
    const before = new Map([['a', { count: 10, sum: 1 }]]);
    const after = new Map([
      ['a', { count: 20, sum: 2 }],
      ['b', { count: 5, sum: 5 }],
      ['c', { count: 0, sum: 0 }],
    ]);
    expect(timesBetween(before, after)).toEqual([
      { subject: 'b', count: 5, meanMs: 1000 },
      { subject: 'a', count: 10, meanMs: 100 },
    ]);
  });
});
