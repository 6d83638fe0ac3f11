import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';

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

function clean(attrs: Record<string, string | number | boolean | undefined>) {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = v;
  return out;
}

export { SpanKind };
