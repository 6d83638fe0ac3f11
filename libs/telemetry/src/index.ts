/**
 * @bitcraps/telemetry: logs (pino JSON with trace ids), Prometheus metrics per service,
 * and W3C trace-context propagation. No domain knowledge.
 */
export { createLogger, PinoNestLogger, LOG_LEVELS, type PinoLevel } from './logger';
export { installTracePropagation } from './tracing';
export { ServiceMetrics } from './metrics';
