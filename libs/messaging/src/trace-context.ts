import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { HEADER, SagaIdSchema } from '@bitcraps/contracts';

/**
 * W3C trace context across NATS: there is no OpenTelemetry instrumentation for NATS, so
 * the transport injects `traceparent`/`tracestate` into headers on publish and runs each
 * handler inside the extracted context (STACK.md, Tracing).
 */
export function injectTraceContext(into: Record<string, string>, ctx: Context = context.active()): void {
  propagation.inject(ctx, into, {
    set: (carrier, key, value) => {
      (carrier as Record<string, string>)[key] = value;
    },
  });
}

export function extractTraceContext(get: (name: string) => string | undefined): Context {
  return propagation.extract(context.active(), {}, {
    get: (_carrier, key) => get(key),
    keys: () => ['traceparent', 'tracestate'],
  });
}

const tracer = () => trace.getTracer('@bitcraps/messaging');

/** Runs `fn` in a span named `<service> <subject>` whose parent is `parent`. */
export async function inSpan<T>(
  name: string,
  parent: Context,
  attributes: Record<string, string | number | boolean | undefined>,
  kind: SpanKind,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes: clean(attributes) }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A message read from a stream by a consumer of our own (not the command transport). */
export interface ConsumedMessage {
  subject: string;
  seq: number;
  headers?: { get(name: string): string };
}

/**
 * Runs the handling of one message read from a stream (an EVT reader: a projection, a
 * trigger, a live feed) in a CONSUMER span `<service> <subject>`, child of the trace its
 * headers carry, as the command transport does for commands (DESIGN.md section 10).
 */
export function inMessageSpan<T>(service: string, m: ConsumedMessage, fn: (span: Span) => Promise<T> | T, attributes: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
  const header = (name: string) => m.headers?.get(name) || undefined;
  const correlationId = header(HEADER.correlationId);
  return inSpan(
    `${service} ${m.subject}`,
    extractTraceContext(header),
    {
      'messaging.system': 'nats',
      'messaging.destination': m.subject,
      'messaging.message.sequence': m.seq,
      'bitcraps.correlation_id': correlationId,
      'bitcraps.saga_id': sagaIdOf(correlationId),
      ...attributes,
    },
    SpanKind.CONSUMER,
    async (span) => fn(span),
  );
}

/** The saga a correlation id names, if it is one: saga steps carry their saga id as correlation id. */
export function sagaIdOf(correlationId: string | undefined): string | undefined {
  return correlationId !== undefined && SagaIdSchema.safeParse(correlationId).success ? correlationId : undefined;
}

function clean(attrs: Record<string, string | number | boolean | undefined>) {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = v;
  return out;
}

export { SpanKind };
