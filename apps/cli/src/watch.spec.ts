import { ApiClient, ApiFailure, Unreachable } from './client';
import { reconnectDelayMs, watchGame, worthRetrying, type WatchOptions } from './watch';

/** A gateway's event stream: these chunks, then closed, broken (as by a killed gateway), or left open. */
function sse(chunks: string[], then: 'close' | 'break' | 'open'): Response {
  const enc = new TextEncoder();
  const queue = [...chunks];
  // chunk by chunk as they are read: an error raised at once would drop the queued ones
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const chunk = queue.shift();
      if (chunk !== undefined) c.enqueue(enc.encode(chunk));
      else if (then === 'close') c.close();
      else if (then === 'break') c.error(new TypeError('terminated', { cause: new Error('other side closed') }));
      else return new Promise<void>(() => undefined);
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
const refusal = (status: number, code: string) => new Response(JSON.stringify({ error: { code, message: code.toLowerCase() } }), { status, headers: { 'content-type': 'application/json' } });
const ev = (id: number, event: string, data: unknown) => `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function gateway(answers: Array<Response | Error>) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string> });
    const next = answers.shift();
    if (!next) return new Promise(() => undefined); // nothing more: hangs like an idle gateway
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof globalThis.fetch;
  return { calls, client: new ApiClient({ baseUrl: 'http://gw', token: 'tok', fetch, backoffMs: 0 }) };
}

function run(client: ApiClient, extra: Partial<WatchOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const done = watchGame({ gameId: 'g_1', json: true, client, out: (t) => out.push(t), err: (t) => err.push(t), backoffMs: 0, ...extra });
  return { out, err, done };
}
const ids = (out: string[]) => out.map((l) => JSON.parse(l).id);

describe('watch reconnects', () => {
  it('resumes with Last-Event-ID after the stream ends or breaks, printing each event once', async () => {
    const { client, calls } = gateway([
      sse([': connected\n\n', ev(3, 'a', { n: 1 }), ev(5, 'b', { n: 2 })], 'close'),
      // a replay that overlaps what was printed: the overlap is not printed again
      sse([': connected\n\n', ev(5, 'b', { n: 2 }), ev(8, 'c', { n: 3 })], 'break'),
      sse([': connected\n\n', ev(9, 'd', { n: 4 })], 'open'),
    ]);
    const r = run(client, { count: 4 });
    expect(await r.done).toBe(0);
    expect(ids(r.out)).toEqual(['3', '5', '8', '9']);
    expect(calls.map((c) => c.url)).toEqual(Array(3).fill('http://gw/v1/games/g_1/events'));
    expect(calls.map((c) => c.headers['last-event-id'])).toEqual([undefined, '5', '8']);
    expect(calls.every((c) => c.headers.authorization === 'Bearer tok' && c.headers.accept === 'text/event-stream')).toBe(true);
    expect(r.err).toEqual([
      'connection lost (the gateway ended the stream); reconnecting, resuming after event 5',
      'reconnected to g_1, resuming after event 5',
      'connection lost (other side closed); reconnecting, resuming after event 8',
      'reconnected to g_1, resuming after event 8',
    ]);
  });

  it('keeps trying while the gateway is down or restarting (unreachable, 503)', async () => {
    const { client, calls } = gateway([
      sse([ev(1, 'a', {})], 'break'),
      new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3000') }),
      refusal(503, 'SERVICE_UNAVAILABLE'),
      sse([ev(2, 'b', {})], 'open'),
    ]);
    const r = run(client, { count: 2 });
    expect(await r.done).toBe(0);
    expect(ids(r.out)).toEqual(['1', '2']);
    expect(calls.slice(1).map((c) => c.headers['last-event-id'])).toEqual(['1', '1', '1']);
    expect(r.err.filter((l) => l.startsWith('reconnect failed'))).toEqual([
      expect.stringMatching(/^reconnect failed \(cannot reach the gateway at http:\/\/gw: connect ECONNREFUSED .*\); trying again in 0\.0 s$/),
      'reconnect failed (SERVICE_UNAVAILABLE (503)); trying again in 0.0 s',
    ]);
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [404, 'GAME_NOT_FOUND'],
  ])('stops with the error when a reconnect is refused with %i', async (status, code) => {
    const { client, calls } = gateway([sse([ev(1, 'a', {})], 'close'), refusal(status, code), sse([ev(2, 'b', {})], 'open')]);
    const r = run(client);
    await expect(r.done).rejects.toMatchObject({ name: 'ApiFailure', status, code });
    expect(calls).toHaveLength(2);
  });

  it('gives up after maxReconnects failures in a row, with the last error', async () => {
    const down = () => new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const { client, calls } = gateway([sse([ev(1, 'a', {})], 'close'), down(), down(), down(), sse([], 'open')]);
    const r = run(client, { maxReconnects: 3 });
    await expect(r.done).rejects.toBeInstanceOf(Unreachable);
    expect(calls).toHaveLength(4);
    expect(r.err.filter((l) => l.startsWith('reconnect failed'))).toHaveLength(2);
  });

  it('Ctrl-C while it waits to reconnect ends the watch with 0', async () => {
    const { client, calls } = gateway([sse([ev(1, 'a', {})], 'close')]);
    const interrupt = new AbortController();
    const r = run(client, { backoffMs: 3_600_000, signal: interrupt.signal });
    const deadline = Date.now() + 5_000;
    while (!r.err.length && Date.now() < deadline) await new Promise((res) => setImmediate(res));
    expect(r.err).toEqual(['connection lost (the gateway ended the stream); reconnecting, resuming after event 1']);
    interrupt.abort();
    expect(await r.done).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('without an event seen yet it reconnects from now, without Last-Event-ID', async () => {
    const { client, calls } = gateway([sse([': connected\n\n'], 'close'), sse([ev(4, 'a', {})], 'open')]);
    const r = run(client, { count: 1 });
    expect(await r.done).toBe(0);
    expect(calls.map((c) => c.headers['last-event-id'])).toEqual([undefined, undefined]);
    expect(r.err[0]).toBe('connection lost (the gateway ended the stream); reconnecting, resuming from now (no event seen yet)');
  });
});

describe('reconnect policy', () => {
  it('doubles the wait from the base and never waits longer than the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((f) => reconnectDelayMs(f, 500, 10_000))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(reconnectDelayMs(7, 0, 10_000)).toBe(0);
  });

  it('retries a gateway that is down or busy, not a refusal of the request', () => {
    expect(worthRetrying(new Unreachable('http://gw', new Error('ECONNREFUSED')))).toBe(true);
    for (const status of [429, 500, 502, 503]) expect(worthRetrying(new ApiFailure(status, 'X', 'x'))).toBe(true);
    for (const status of [400, 401, 403, 404]) expect(worthRetrying(new ApiFailure(status, 'X', 'x'))).toBe(false);
  });
});
