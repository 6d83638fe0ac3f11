import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';

/** What the middleware reads of an Express request. */
export interface TracedRequest extends EventEmitter {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Set by Express once a route matched: its pattern, e.g. `/v1/games/:gameId/join`. */
  route?: { path?: unknown };
  baseUrl?: string;
}
export interface TracedResponse extends EventEmitter {
  statusCode: number;
}

/** Probes and scrapes: no trace for them (they would drown the real ones). */
const UNTRACED = /^\/(health(\/|$)|metrics$)/;

/**
 * Express middleware that starts the trace of each HTTP request: a SERVER span named
 * `<service> <METHOD> <route>` (the route pattern once Express matched one, so names
 * stay few), child of an incoming `traceparent` if the client sent one. Everything the
 * request does (commands sent over NATS) runs inside it. The request and response
 * emitters are bound to the span's context because body parsers and Nest continue
 * from their events, which would otherwise run in the socket's context.
 */
export function httpTracing(service: string) {
  const tracer = trace.getTracer('@bitcraps/telemetry');
  return (req: TracedRequest, res: TracedResponse, next: (err?: unknown) => void): void => {
    if (UNTRACED.test(req.path)) return next();
    const parent = propagation.extract(context.active(), req.headers, {
      get: (headers, key) => {
        const v = (headers as IncomingHttpHeaders)[key];
        return Array.isArray(v) ? v[0] : v;
      },
      keys: (headers) => Object.keys(headers as object),
    });
    const span = tracer.startSpan(`${service} ${req.method} unmatched`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : undefined;
      if (route) {
        span.updateName(`${service} ${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}
