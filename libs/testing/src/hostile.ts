import fc from 'fast-check';
import type { z } from 'zod';

/**
 * fast-check arbitraries for hostile messages on NATS subjects (DESIGN.md section 12),
 * shared by the transport's fuzz test (libs/messaging) and the fuzzing of the real
 * subjects (apps/e2e): hostile headers and envelopes, odd numbers, bodies near a schema
 * but wrong, any JSON, truncated JSON, raw bytes, prototype keys, deep nesting, unicode
 * and strings up to the broker's limit.
 */

/** nats-server's default max_payload (headers included). */
export const MAX_PAYLOAD = 1_048_576;

export const encodeText = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Header values as a sender may write them (NATS forbids CR and LF, and trims). */
export const hostileHeaderValue: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('', ' ', '1', '2', '0', '-1', 'NaN', '1e309', '0x1', 'null', 'undefined', '__proto__', 'constructor', '../../x', '%00', '\u0000', '\u202e', 'ü', '🎲'),
    fc.string({ minLength: 100, maxLength: 3_000 }),
  )
  .map((v) => v.replace(/[\r\n]/g, ' '));

/** Header names: the envelope's own, JetStream's control headers, and noise (printable ASCII, no colon). */
export const hostileHeaderName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Nats-Msg-Id', 'correlation-id', 'causation-id', 'version', 'traceparent', 'tracestate', 'idempotency-key', 'ordering-key', 'dlq-reason', 'dlq-subject', 'Nats-Expected-Stream', '__proto__', 'constructor'),
  fc.string({ unit: fc.integer({ min: 33, max: 126 }).filter((c) => c !== 58).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }),
);

/**
 * An envelope's headers: valid, or with parts missing, wrong or strange, plus extra
 * headers. `stream` is the stream published to: a `Nats-Expected-Stream` header names
 * it, so the publish itself is accepted and the message reaches the service.
 */
export const hostileEnvelope = (stream = 'CMD'): fc.Arbitrary<Array<[string, string]>> =>
  fc
    .record({
      msgId: fc.oneof(fc.constant('valid'), fc.constant('missing'), hostileHeaderValue),
      correlationId: fc.oneof(fc.constant('valid'), fc.constant('missing'), hostileHeaderValue),
      version: fc.oneof(fc.constant('1'), fc.constant('missing'), hostileHeaderValue),
      extra: fc.array(fc.tuple(hostileHeaderName, hostileHeaderValue), { maxLength: 4 }),
      unique: fc.uuid(),
    })
    .map(({ msgId, correlationId, version, extra, unique }) => {
      const h: Array<[string, string]> = [];
      // ids carry a unique part, so JetStream's de-duplication keeps every message
      if (msgId !== 'missing') h.push(['Nats-Msg-Id', msgId === 'valid' ? `fz-${unique}` : `${msgId}${unique}`]);
      if (correlationId !== 'missing') h.push(['correlation-id', correlationId === 'valid' ? `fz-${unique}` : correlationId]);
      if (version !== 'missing') h.push(['version', version]);
      return [...h, ...extra.map(([k, v]) => [k, k === 'Nats-Expected-Stream' ? stream : v] as [string, string])];
    });

/** Numbers a schema of chips or counts must refuse: floats, negatives, huge, -0, NaN and infinities (as JSON writes them). */
export const weirdNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -1_000_000, max: 0 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e308, -0, 0.5, Number.MIN_VALUE),
);

/** A JSON value as raw text, including numbers JSON.stringify never writes. */
export const rawJsonValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1e309', '-1e309', '9007199254740993', '-0', '0.5', '1e-7', '10E2', '-1', '0', '1', 'null', 'true', 'false', '[]', '{}', '[1,2]', '[3,4]'),
  fc.constantFrom('"NaN"', '"Infinity"', '"1e309"', '"10"', '"-5"', '""', '"__proto__"', '"\\u0000"', '"\\ud800"', '"🎲"', '"g_"', '"p_"'),
  weirdNumber.map((n) => JSON.stringify(n)),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => JSON.stringify(s)),
  fc.string({ minLength: 200, maxLength: 3_000 }).map((s) => JSON.stringify(s)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object literal written as text, so that `__proto__` stays a key (an object built in JS would change its prototype instead). */
const objectText = (entries: Array<[string, string]>) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** An id in the shape of ours (`g_<uuid>`…), of another kind, or near it. */
const idLike = fc.oneof(
  fc.tuple(fc.constantFrom('g_', 'p_', 's_', 'r_', 'op_', ''), fc.uuid()).map(([p, u]) => p + u),
  fc.constantFrom('g_', 'p_', 'g_00000000-0000-0000-0000-000000000000', 'ab'.repeat(32), 'A'.repeat(86)),
);

/**
 * JSON text near what `schema` accepts: its own keys with values of roughly the right
 * kind (ids, small chips, its enum members, dice), with keys dropped, prototype or stray
 * keys added and hostile values mixed in. Often invalid, sometimes valid: a caller that
 * must not send a valid message filters with the schema (see `failsSchema`).
 */
export function nearSchema(schema: z.ZodType, depth = 0): fc.Arbitrary<string> {
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  const inner = (s: unknown) => nearSchema(s as z.ZodType, depth + 1);
  const hostile = { weight: 1, arbitrary: rawJsonValue };
  if (depth > 4) return rawJsonValue;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const keys = Object.keys(shape);
      const entries = keys.length ? fc.tuple(...keys.map((k) => inner(shape[k]).map((v) => [k, v] as [string, string]))) : fc.constant([] as Array<[string, string]>);
      const extraKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'extra', 'toString'), fc.string({ maxLength: 8 }));
      return fc.oneof(
        { weight: 4, arbitrary: entries.map(objectText) },
        { weight: 2, arbitrary: fc.tuple(entries, fc.nat()).map(([e, n]) => objectText(e.filter((_, i) => e.length === 0 || i !== n % e.length))) },
        { weight: 2, arbitrary: fc.tuple(entries, extraKey, rawJsonValue).map(([e, k, v]) => objectText([...e, [k, v]])) },
        hostile,
      );
    }
    case 'string':
      return fc.oneof({ weight: 3, arbitrary: idLike.map((s) => JSON.stringify(s)) }, { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)) }, hostile);
    case 'number':
    case 'int':
    case 'bigint':
      return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 500 }).map(String) }, { weight: 2, arbitrary: weirdNumber.map((n) => JSON.stringify(n)) }, hostile);
    case 'boolean':
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom('true', 'false') }, hostile);
    case 'enum':
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...Object.values(def.entries as Record<string, unknown>)).map((v) => JSON.stringify(v)) }, hostile);
    case 'literal':
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(def.values as unknown[])).map((v) => JSON.stringify(v) ?? 'null') }, hostile);
    case 'array':
      return fc.oneof({ weight: 3, arbitrary: fc.array(inner(def.element), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`) }, hostile);
    case 'tuple':
      return fc.oneof({ weight: 3, arbitrary: fc.tuple(...(def.items as z.ZodType[]).map(inner)).map((xs) => `[${xs.join(',')}]`) }, hostile);
    case 'record':
      return fc.oneof({ weight: 3, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 8 }), inner(def.valueType)), { maxLength: 3 }).map(objectText) }, hostile);
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map(inner), rawJsonValue);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return fc.oneof({ weight: 3, arbitrary: inner(def.innerType) }, hostile);
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return inner(def.getter());
    default:
      return rawJsonValue;
  }
}

/**
 * Whether a message body fails `schema` the way a JetStreamServer reads it (UTF-8 text,
 * then JSON, then the schema): a fuzzer drops the rare valid one, because a valid
 * command on an internal subject legitimately changes state.
 */
export function failsSchema(schema: z.ZodType, body: Uint8Array): boolean {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return true;
  }
  return !schema.safeParse(value).success;
}

/**
 * Hostile message bodies around `near` (JSON text close to the expected shape, whose
 * keys are `fields`): that text whole and cut short, any JSON, odd literals, prototype
 * keys, nesting thousands of levels deep, a field holding a string of up to
 * `maxStringBytes` (up to just past the broker's max_payload: such a publish is refused
 * by the broker, a slightly smaller one reaches the service), and unicode.
 */
export function hostileBody(near: fc.Arbitrary<string>, fields: string[], { maxStringBytes = 5_000 }: { maxStringBytes?: number } = {}): fc.Arbitrary<Uint8Array> {
  const field = fields[0] ?? 'x';
  return fc
    .oneof(
      { weight: 4, arbitrary: near },
      { weight: 1, arbitrary: near.chain((text) => fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n))) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'true', '[]', '{}', '{', '"x"', 'NaN', 'Infinity', '1e309', '-0', 'undefined', '\u0000', `{"${field}":1e309}`, `{"${field}":"1"}`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `{"__proto__":{"polluted":true},"${field}":1}`,
          `{"constructor":{"prototype":{"polluted":true}},"${field}":1}`,
          `{"${field}":1,"__proto__":{"${field}":-5}}`,
          '{"__proto__":{"polluted":true}}',
        ),
      },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) },
      { weight: 1, arbitrary: fc.integer({ min: 101, max: maxStringBytes }).map((n) => JSON.stringify({ [field]: 'x'.repeat(n) })) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
    )
    .map(encodeText);
}

/** Bytes of any kind, mostly not UTF-8 and not JSON. */
export const rawBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 300 });
