import { z } from 'zod';

/**
 * The message envelope (DESIGN.md section 2). It travels as NATS headers; the body is
 * the JSON payload checked by the subject's own schema. Header names are lower case
 * except the ones NATS itself defines.
 */
export const ENVELOPE_VERSION = 1;

export const HEADER = {
  msgId: 'Nats-Msg-Id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  idempotencyKey: 'idempotency-key',
  version: 'version',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** On a reply: the ordering key of the command it answers (the game id for lifecycle), so readers of EVT can group by it. */
  orderingKey: 'ordering-key',
  dlqReason: 'dlq-reason',
  dlqSubject: 'dlq-subject',
  /** On a dead letter whose body had to be cut to fit the server's max_payload: the original size in bytes. */
  dlqTruncated: 'dlq-truncated',
  /** On a dead letter: SHA-256 (hex) of the original body, whole even when the copy is cut. */
  dlqSha256: 'dlq-sha256',
} as const;

const Id = z.string().min(1).max(200).regex(/^[\w.:-]+$/, 'ids hold letters, digits and . : - _ only');

export const EnvelopeSchema = z.object({
  /** Unique per message; JetStream de-duplicates on it. */
  msgId: Id,
  /** The saga or request this message belongs to; replies carry the command's. */
  correlationId: Id,
  /** The message that caused this one. */
  causationId: Id.optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  version: z.literal(ENVELOPE_VERSION),
  traceparent: z.string().max(55).optional(),
  tracestate: z.string().max(512).optional(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Envelope → flat header map. */
export function envelopeToHeaders(env: Envelope): Record<string, string> {
  const out: Record<string, string> = {
    [HEADER.msgId]: env.msgId,
    [HEADER.correlationId]: env.correlationId,
    [HEADER.version]: String(env.version),
  };
  if (env.causationId) out[HEADER.causationId] = env.causationId;
  if (env.idempotencyKey) out[HEADER.idempotencyKey] = env.idempotencyKey;
  if (env.traceparent) out[HEADER.traceparent] = env.traceparent;
  if (env.tracestate) out[HEADER.tracestate] = env.tracestate;
  return out;
}

/** Header lookup (case as sent) → envelope, checked. */
export function envelopeFromHeaders(get: (name: string) => string | undefined) {
  const version = get(HEADER.version);
  return EnvelopeSchema.safeParse({
    msgId: get(HEADER.msgId),
    correlationId: get(HEADER.correlationId),
    causationId: get(HEADER.causationId) || undefined,
    idempotencyKey: get(HEADER.idempotencyKey) || undefined,
    version: version === undefined ? undefined : Number(version),
    traceparent: get(HEADER.traceparent) || undefined,
    tracestate: get(HEADER.tracestate) || undefined,
  });
}
