import fc from 'fast-check';
import { canonicalJson, fingerprintOf, isValidIdempotencyKey, recordKey, uuidFromKey } from './idempotency-key';
import { idempotentId } from './idempotent-id';

describe('idempotency keys', () => {
  it('are 1 to 200 printable ASCII characters', () => {
    for (const ok of ['a', 'x'.repeat(200), '0d5e9c1c-3d1b-4c1e-9c1e-000000000000', 'order 42 / retry:#1 ~']) expect(isValidIdempotencyKey(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(201), 'tab\there', 'new\nline', 'café', '\u0000']) expect(isValidIdempotencyKey(bad)).toBe(false);
  });

  it('see one body whatever the order of its keys, and tell different bodies apart', () => {
    expect(canonicalJson({ b: 2, a: { y: [1, { d: 1, c: 2 }], x: null } })).toBe('{"a":{"x":null,"y":[1,{"c":2,"d":1}]},"b":2}');
    expect(fingerprintOf('POST', '/v1/x', { a: 1, b: 2 })).toBe(fingerprintOf('post', '/v1/x', { b: 2, a: 1 }));
    expect(fingerprintOf('POST', '/v1/x', { a: 1 })).not.toBe(fingerprintOf('POST', '/v1/x', { a: 2 }));
    expect(fingerprintOf('POST', '/v1/x', { a: 1 })).not.toBe(fingerprintOf('POST', '/v1/y', { a: 1 }));
    expect(fingerprintOf('POST', '/v1/x', undefined)).not.toBe(fingerprintOf('POST', '/v1/x', {}));
  });

  it('canonical JSON is a function of the value alone (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const shuffled = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(shuffled)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });

  it('are stored hashed, per subject', () => {
    const k = recordKey('gw:', 'p:p_1', 'my key');
    expect(k).toMatch(/^gw:idem:\{p:p_1\}:[A-Za-z0-9_-]{43}$/);
    expect(k).not.toContain('my key');
    expect(recordKey('gw:', 'ip:1.2.3.4', 'my key')).not.toBe(k);
  });

  it('derive stable v4-shaped uuids per subject, key and purpose', () => {
    const a = uuidFromKey('p:p_1', 'k', 'saga');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromKey('p:p_1', 'k', 'saga')).toBe(a);
    expect(uuidFromKey('p:p_2', 'k', 'saga')).not.toBe(a);
    expect(uuidFromKey('p:p_1', 'k2', 'saga')).not.toBe(a);
    expect(uuidFromKey('p:p_1', 'k', 'bet')).not.toBe(a);
  });
});

describe('idempotentId', () => {
  const req = (idempotency?: { subject: string; key: string }, originalUrl = '/v1/games/g_1/bets') => ({ method: 'POST', originalUrl, idempotency }) as never;

  it('derives the same id for a retry with the key, another for another key, endpoint or purpose', () => {
    const a = idempotentId(req({ subject: 'p:p_1', key: 'k' }), 's');
    expect(a).toMatch(/^s_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idempotentId(req({ subject: 'p:p_1', key: 'k' }), 's')).toBe(a);
    expect(idempotentId(req({ subject: 'p:p_1', key: 'k2' }), 's')).not.toBe(a);
    expect(idempotentId(req({ subject: 'p:p_1', key: 'k' }, '/v1/games/g_2/bets'), 's')).not.toBe(a);
    expect(idempotentId(req({ subject: 'p:p_1', key: 'k' }), 'b')).not.toBe(a.replace(/^s_/, 'b_'));
  });

  it('is random without a key', () => {
    expect(idempotentId(req(), 's')).not.toBe(idempotentId(req(), 's'));
  });
});
