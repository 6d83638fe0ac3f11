/**
 * @bitcraps/telemetry: logs (pino JSON with trace ids), Prometheus metrics per service,
 * W3C trace-context propagation, OTLP span export and the HTTP request span. No domain
 * knowledge.
 */
export { createLogger, PinoNestLogger, LOG_LEVELS, type PinoLevel } from './logger';
export { installTracePropagation } from './tracing';
export { installSpanExport, scheduledDelayFromEnv, tracesUrl, type SpanExport, type SpanExportSettings } from './span-export';
export { httpTracing, type TracedRequest, type TracedResponse } from './http-tracing';
export { ServiceMetrics } from './metrics';
