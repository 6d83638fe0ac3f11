import { afterCommand, armedDeadlines, deadlineUpdates, TOUCH_GRANULARITY_MS, touch, withRollClock } from './clocks';
import { ANN, BOB, freshGame, T0, tableWith } from './fixtures';

describe('clocks', () => {
  it('every command pushes the inactivity deadline of an open game', () => {
    const g = freshGame();
    expect(touch(g, T0 + 10)).toMatchObject({ lastActivityAt: T0 + 10, inactiveAt: T0 + 10 + g.config.inactivityTimeoutMs });
    expect(touch({ ...g, status: 'suspended' }, T0 + 10).inactiveAt).toBeNull();
  });

  it('a command that decided nothing writes only when the deadline moves by the granularity', () => {
    const g = freshGame();
    expect(afterCommand(g, undefined, T0 + TOUCH_GRANULARITY_MS - 1)).toBeUndefined();
    expect(afterCommand(g, undefined, T0 + TOUCH_GRANULARITY_MS)?.inactiveAt).toBe(T0 + TOUCH_GRANULARITY_MS + g.config.inactivityTimeoutMs);
    expect(afterCommand({ ...g, status: 'suspended', inactiveAt: null }, undefined, T0 + 1e6)).toBeUndefined();
    expect(afterCommand(g, { ...g, rollCount: 9 }, T0 + 1)).toMatchObject({ rollCount: 9, inactiveAt: T0 + 1 + g.config.inactivityTimeoutMs });
  });

  it('runs the roll clock only with a shooter, someone to pass to, and no roll reserved', () => {
    const two = tableWith([ANN, BOB]);
    expect(withRollClock({ ...two, rollDeadline: null }, T0 + 3, false).rollDeadline).toBe(T0 + 3 + two.config.rollTimeoutMs);
    expect(withRollClock(two, T0 + 3, false).rollDeadline).toBe(two.rollDeadline);
    expect(withRollClock(two, T0 + 3, true).rollDeadline).toBe(T0 + 3 + two.config.rollTimeoutMs);
    expect(withRollClock({ ...two, pendingRoll: { rollIndex: 1, opId: 'x', at: '' } }, T0, true).rollDeadline).toBeNull();
    expect(withRollClock(tableWith([ANN]), T0, true).rollDeadline).toBeNull();
  });

  it('arms in Redis only what an open game has', () => {
    const g = tableWith([ANN, BOB]);
    expect(armedDeadlines(g)).toEqual({ inactivity: g.inactiveAt, roll: g.rollDeadline });
    expect(armedDeadlines({ ...g, status: 'closed' })).toEqual({ inactivity: null, roll: null });
  });
});

describe('deadlineUpdates', () => {
  const d = (inactivity: number | null, roll: number | null) => ({ inactivity, roll });

  it('sets everything when what Redis holds is unknown', () => {
    expect(deadlineUpdates(undefined, d(5, null))).toEqual({ inactivity: 5, roll: null });
  });

  it('leaves a deadline that moved later or stayed: the earlier one fires and re-arms', () => {
    expect(deadlineUpdates(d(5, 7), d(9, 7))).toEqual({});
    expect(deadlineUpdates(d(null, null), d(null, null))).toEqual({});
  });

  it('arms a deadline that moved earlier or started, disarms one that stopped', () => {
    expect(deadlineUpdates(d(9, 7), d(5, 7))).toEqual({ inactivity: 5 });
    expect(deadlineUpdates(d(9, null), d(9, 3))).toEqual({ roll: 3 });
    expect(deadlineUpdates(d(9, 3), d(null, null))).toEqual({ inactivity: null, roll: null });
  });
});
