import { SERVICES } from '../bench/harness/stack';
import { planFaults, type FaultPlanOptions } from './faults';
import { Prng } from './prng';

const OPTIONS: FaultPlanOptions = { durationMs: 120_000, everyMs: 6_000, services: SERVICES, replicas: 2, natsRestarts: 2, redisRestarts: 1 };

describe('planFaults', () => {
  it('is decided by the seed alone', () => {
    expect(planFaults(new Prng('s'), OPTIONS)).toEqual(planFaults(new Prng('s'), OPTIONS));
    expect(planFaults(new Prng('s'), OPTIONS)).not.toEqual(planFaults(new Prng('t'), OPTIONS));
  });

  it('spreads kills around the mean gap, inside the margins, in time order', () => {
    const plan = planFaults(new Prng('spread'), OPTIONS);
    const kills = plan.filter((f) => f.kind === 'kill' || f.kind === 'kill-all');
    expect(kills.length).toBeGreaterThanOrEqual(12);
    expect(kills.length).toBeLessThanOrEqual(30);
    for (const f of plan) {
      expect(f.atMs).toBeGreaterThanOrEqual(5_000);
      expect(f.atMs).toBeLessThan(115_000);
    }
    expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((a, b) => a - b));
    for (const f of kills) expect(SERVICES).toContain(f.service);
    for (const f of plan) if (f.kind === 'kill') expect([0, 1]).toContain(f.index);
  });

  it('restarts NATS and Redis as often as asked', () => {
    const plan = planFaults(new Prng('servers'), OPTIONS);
    expect(plan.filter((f) => f.kind === 'restart-nats')).toHaveLength(2);
    expect(plan.filter((f) => f.kind === 'restart-redis')).toHaveLength(1);
  });

  it('never kills every replica at once when there is only one', () => {
    const plan = planFaults(new Prng('single'), { ...OPTIONS, replicas: 1 });
    expect(plan.some((f) => f.kind === 'kill-all')).toBe(false);
    for (const f of plan) if (f.kind === 'kill') expect(f.index).toBe(0);
  });

  it('plans nothing for a run shorter than its margins', () => {
    expect(planFaults(new Prng('x'), { ...OPTIONS, durationMs: 1_000, marginMs: 600 })).toEqual([]);
  });
});
