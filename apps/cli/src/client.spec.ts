import { ApiClient, ApiFailure, Unreachable } from './client';

type Call = { url: string; method: string; headers: Record<string, string>; body?: string };

function fakeFetch(answers: Array<Response | Error>) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  return { fn, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('API client', () => {
  it('sends the token, JSON, and a fresh Idempotency-Key on each POST', async () => {
    const { fn, calls } = fakeFetch([json(201, { ok: 1 }), json(201, { ok: 2 })]);
    const client = new ApiClient({ baseUrl: 'http://gw', token: 'tok', fetch: fn, backoffMs: 0 });
    expect(await client.post('/v1/games', { maxPlayers: 2 })).toEqual({ ok: 1 });
    await client.post('/v1/games');
    expect(calls[0]).toMatchObject({ url: 'http://gw/v1/games', method: 'POST', body: '{"maxPlayers":2}', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' } });
    expect(calls[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[1].headers['idempotency-key']).not.toBe(calls[0].headers['idempotency-key']);
    expect(calls[1].headers['content-type']).toBeUndefined();
  });

  it('retries a 503 or a lost connection with the same Idempotency-Key', async () => {
    const { fn, calls } = fakeFetch([json(503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'x' } }), new TypeError('fetch failed'), json(200, { done: true })]);
    const client = new ApiClient({ baseUrl: 'http://gw', fetch: fn, backoffMs: 0 });
    expect(await client.post('/v1/games/g/roll')).toEqual({ done: true });
    expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(1);
    expect(calls).toHaveLength(3);
  });

  it('gives up after the retries: the API error, or Unreachable', async () => {
    const unavailable = () => json(503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } });
    const a = new ApiClient({ baseUrl: 'http://gw', fetch: fakeFetch([unavailable(), unavailable(), unavailable()]).fn, backoffMs: 0 });
    await expect(a.get('/v1/stats')).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const b = new ApiClient({ baseUrl: 'http://gw', fetch: fakeFetch([new TypeError('x'), new TypeError('x'), new TypeError('x')]).fn, backoffMs: 0 });
    await expect(b.get('/v1/stats')).rejects.toBeInstanceOf(Unreachable);
  });

  it('reads API errors, Retry-After, and answers that are not the API’s', async () => {
    const { fn } = fakeFetch([
      json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '12' }),
      json(400, { error: { code: 'VALIDATION_FAILED', message: 'bad', issues: [{ path: ['a'], message: 'm' }] } }),
      new Response('<html>bad gateway</html>', { status: 502 }),
    ]);
    const client = new ApiClient({ baseUrl: 'http://gw', fetch: fn, retries: 0 });
    await expect(client.get('/x')).rejects.toEqual(new ApiFailure(429, 'RATE_LIMITED', 'slow down', 12));
    await expect(client.get('/x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: ['a'], message: 'm' }] });
    await expect(client.get('/x')).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: '<html>bad gateway</html>' });
  });

  it('answers undefined for an empty body (202)', async () => {
    const client = new ApiClient({ baseUrl: 'http://gw', fetch: fakeFetch([new Response(null, { status: 202 })]).fn });
    expect(await client.post('/v1/games/g/commitments', { commitment: 'x' })).toBeUndefined();
  });
});
