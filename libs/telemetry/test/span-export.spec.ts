import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { httpTracing, installSpanExport, tracesUrl } from '../src';

/**
 * The provider, batch processor, resource and the HTTP request span. The OTLP/HTTP
 * transport itself is proven with real processes in apps/e2e/src/tracing.e2e.spec.ts
 * (jest's CommonJS runtime refuses the exporter's dynamic `import('http')`).
 */
/** Polls `probe` until it gives a value, up to a deadline (telemetry may not import messaging's waitFor). */
async function waitFor<T>(probe: () => T | null | undefined, { timeoutMs, what }: { timeoutMs: number; what: string }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Keeps what it was given past shutdown (InMemorySpanExporter forgets on shutdown). */
class KeepingExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('span export and the HTTP request span', () => {
  it('builds the signal URL from the base endpoint', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
  });

  it('exports a request span named after the route, child of the caller, parent of the work done inside it (after the body was parsed)', async () => {
    const exporter = new InMemorySpanExporter();
    const exporting = installSpanExport({ service: 'web', endpoint: 'http://unused:4318', scheduledDelayMs: 20 }, exporter);
    const app = express();
    app.use(httpTracing('web'));
    app.use(express.json());
    app.post('/things/:id', async (req, res) => {
      await new Promise((r) => setImmediate(r));
      const inner = trace.getTracer('test').startSpan('inner work', {}, context.active());
      inner.setAttribute('body.n', req.body.n);
      inner.end();
      res.json({ ok: true });
    });
    app.get('/health/live', (_req, res) => void res.json({ ok: true }));
    const server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const callerSpan = '00f067aa0ba902b7';
      const res = await fetch(`${base}/things/42`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${callerTrace}-${callerSpan}-01` }, body: JSON.stringify({ n: 7 }) });
      expect(res.status).toBe(200);
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const byName = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name);
      const [request, inner] = await waitFor(() => {
        const r = byName('web POST /things/:id');
        const i = byName('inner work');
        return r && i ? ([r, i] as ReadableSpan[]) : null;
      }, { timeoutMs: 10_000, what: 'both spans exported' });
      expect(request.resource.attributes['service.name']).toBe('web');
      expect(request.spanContext().traceId).toBe(callerTrace);
      expect(request.parentSpanContext?.spanId).toBe(callerSpan);
      expect(request.attributes).toMatchObject({ 'http.route': '/things/:id', 'http.response.status_code': 200 });
      expect(inner.spanContext().traceId).toBe(callerTrace);
      expect(inner.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(inner.attributes).toEqual({ 'body.n': 7 });
      // probes are not traced
      await exporting.forceFlush();
      expect(exporter.getFinishedSpans().filter((s) => s.name.includes('/health'))).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
      await exporting.shutdown();
    }
  });

  it('flushes what is buffered on shutdown, and a later install exports again', async () => {
    const exporter = new KeepingExporter();
    const exporting = installSpanExport({ service: 'batch', endpoint: 'http://unused:4318', scheduledDelayMs: 60_000 }, exporter);
    trace.getTracer('test').startSpan('buffered').end();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await exporting.shutdown();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['buffered']);

    const again = new KeepingExporter();
    const second = installSpanExport({ service: 'batch', endpoint: 'http://unused:4318', scheduledDelayMs: 60_000 }, again);
    trace.getTracer('test').startSpan('second').end();
    await second.shutdown();
    expect(again.getFinishedSpans().map((s) => s.name)).toEqual(['second']);
  });
});
