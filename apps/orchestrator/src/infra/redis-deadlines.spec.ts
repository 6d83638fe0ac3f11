import type { RedisTimeouts } from '@bitcraps/service-kit';
import { RedisDeadlines, SAGA_STEP_KIND } from './redis-deadlines';

/** A pure unit test: the Redis side is a recording fake (the sweeper itself is tested on real Redis in service-kit). */
function fakeTimeouts() {
  const armed = new Map<string, number>();
  const calls: string[] = [];
  let down = false;
  const timeouts = {
    arm: async (kind: string, id: string, at: number) => {
      calls.push(`arm ${kind} ${id} ${at}`);
      if (down) throw new Error('redis down');
      armed.set(id, at);
    },
    disarm: async (kind: string, id: string) => {
      calls.push(`disarm ${kind} ${id}`);
      armed.delete(id);
    },
  } as unknown as RedisTimeouts;
  return { timeouts, armed, calls, setDown: (d: boolean) => (down = d) };
}

describe('RedisDeadlines', () => {
  it('arms once for quick steps, with grace and slack, and again when a step outlasts the slack', async () => {
    const f = fakeTimeouts();
    const d = new RedisDeadlines(f.timeouts, 2_000, 5_000);
    await d.arm('s1', 10_000); // step 1 due at 10 s: armed at 10 + 2 + 5
    await d.arm('s1', 10_050); // quick steps: still covered
    await d.arm('s1', 14_900);
    expect(f.calls).toEqual([`arm ${SAGA_STEP_KIND} s1 17000`]);
    await d.arm('s1', 15_500); // needs 17.5 s: armed again
    expect(f.armed.get('s1')).toBe(22_500);
    expect(f.calls).toHaveLength(2);
  });

  it('disarms at the end and arms afresh after being told the deadline was claimed', async () => {
    const f = fakeTimeouts();
    const d = new RedisDeadlines(f.timeouts, 2_000, 5_000);
    await d.arm('s1', 1_000);
    await d.disarm('s1');
    expect(f.armed.has('s1')).toBe(false);
    await d.arm('s1', 1_000);
    expect(f.armed.get('s1')).toBe(8_000);
    d.forget('s1');
    await d.arm('s1', 1_000);
    expect(f.calls.filter((c) => c.startsWith('arm'))).toHaveLength(3);
  });

  it('a failed arm is not remembered: the next step tries again', async () => {
    const f = fakeTimeouts();
    const d = new RedisDeadlines(f.timeouts, 2_000, 5_000);
    f.setDown(true);
    await d.arm('s1', 1_000); // swallowed: the stale scan covers a Redis outage
    f.setDown(false);
    await d.arm('s1', 1_100);
    expect(f.armed.get('s1')).toBe(8_100);
  });
});
