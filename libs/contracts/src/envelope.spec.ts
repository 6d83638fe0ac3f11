import { envelopeFromHeaders, envelopeToHeaders, HEADER, type Envelope } from './envelope';

const env: Envelope = { msgId: 'm-1', correlationId: 's_1', causationId: 'c:1', idempotencyKey: 'key 1', version: 1, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

describe('envelope', () => {
  it('round-trips through headers', () => {
    const h = envelopeToHeaders(env);
    expect(h[HEADER.msgId]).toBe('m-1');
    expect(envelopeFromHeaders((n) => h[n])).toEqual({ success: true, data: env });
  });

  it('leaves optional headers out', () => {
    expect(Object.keys(envelopeToHeaders({ msgId: 'a', correlationId: 'b', version: 1 })).sort()).toEqual([HEADER.correlationId, HEADER.msgId, HEADER.version].sort());
  });

  it.each([
    ['no headers', {}],
    ['no msg id', { [HEADER.correlationId]: 'c', [HEADER.version]: '1' }],
    ['an unknown version', { [HEADER.msgId]: 'm', [HEADER.correlationId]: 'c', [HEADER.version]: '2' }],
    ['a hostile id', { [HEADER.msgId]: 'm\r\nX: y', [HEADER.correlationId]: 'c', [HEADER.version]: '1' }],
    ['an oversized id', { [HEADER.msgId]: 'm'.repeat(201), [HEADER.correlationId]: 'c', [HEADER.version]: '1' }],
  ])('refuses %s', (_what, headers: Record<string, string>) => {
    expect(envelopeFromHeaders((n) => headers[n]).success).toBe(false);
  });
});
