import { Recorder } from './recorder';
import type { HttpAnswer } from './http';

const answer = (status: number, body: unknown = null, error?: string): HttpAnswer => ({ status, body, ms: 10, ...(error ? { error } : {}) });
const refusal = (status: number, code: string) => answer(status, { error: { code, message: code } });

describe('Recorder', () => {
  it('counts outcomes by kind and keeps the latency of successes only', () => {
    const r = new Recorder(new Set(['GAME_FULL']));
    expect(r.record('join', answer(200))).toBe(false);
    expect(r.record('join', refusal(409, 'GAME_FULL'))).toBe(false);
    expect(r.record('join', refusal(500, 'INTERNAL_ERROR'))).toBe(true);
    expect(r.record('join', answer(0, null, 'ECONNRESET'))).toBe(true);
    expect(r.byKind()).toEqual({ join: { 200: 1, '409 GAME_FULL': 1, '500 INTERNAL_ERROR': 1, 'net ECONNRESET': 1 } });
    expect(r.ok('join')).toBe(1);
    expect(r.unexpectedCount).toBe(2);
  });

  it('takes a 2xx that is no success (a 202) as neither a success nor an error', () => {
    const r = new Recorder();
    expect(r.record('join', answer(202))).toBe(false);
    expect(r.ok('join')).toBe(0);
    expect(r.record('join', answer(200), { success: false })).toBe(false);
  });

  it('accepts network errors when told they are expected', () => {
    expect(new Recorder(new Set(), true).record('bet', answer(0, null, 'ECONNREFUSED'))).toBe(false);
  });

  it('absorbs another recorder', () => {
    const a = new Recorder();
    const b = new Recorder();
    a.record('bet', answer(200), { latencyMs: 1 });
    b.record('bet', answer(200), { latencyMs: 3 });
    b.record('bet', answer(500));
    a.absorb(b);
    expect(a.latency('bet')).toMatchObject({ count: 2, p50: 1, max: 3 });
    expect(a.unexpectedCount).toBe(1);
  });
});
