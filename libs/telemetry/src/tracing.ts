import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

let installed = false;

/**
 * Installs W3C trace-context propagation and an async context manager, so that a
 * `traceparent` that arrives in NATS headers follows the handler's async work and goes
 * out again on every message it sends. Span export (OTLP) is `installSpanExport`, which
 * createServiceApp calls when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export function installTracePropagation(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
