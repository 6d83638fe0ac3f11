import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installTracePropagation } from '@bitcraps/telemetry';
import { HEADER } from '@bitcraps/contracts';
import { injectTraceContext, inMessageSpan, sagaIdOf } from './trace-context';

describe('inMessageSpan (EVT readers)', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    installTracePropagation();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  beforeEach(() => exporter.reset());

  const headersOf = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? '' });
  const SAGA = 's_0123abcd-0123-4567-89ab-0123456789ab';

  it('runs the handler in a span `<service> <subject>`, child of the span that published the message', async () => {
    const publisher = trace.getTracer('test').startSpan('orchestrator send');
    const h: Record<string, string> = { [HEADER.correlationId]: SAGA };
    context.with(trace.setSpan(context.active(), publisher), () => injectTraceContext(h));
    publisher.end();

    const active = await inMessageSpan('stats', { subject: 'evt.lifecycle.player-seated', seq: 42, headers: headersOf(h) }, () => trace.getActiveSpan()?.spanContext().spanId);

    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'stats evt.lifecycle.player-seated');
    expect(span.spanContext().spanId).toBe(active);
    expect(span.spanContext().traceId).toBe(publisher.spanContext().traceId);
    expect(span.parentSpanContext?.spanId).toBe(publisher.spanContext().spanId);
    expect(span.attributes).toMatchObject({ 'messaging.destination': 'evt.lifecycle.player-seated', 'messaging.message.sequence': 42, 'bitcraps.correlation_id': SAGA, 'bitcraps.saga_id': SAGA });
  });

  it('a message without trace headers starts a trace of its own; a failing handler marks the span and rethrows', async () => {
    await expect(
      inMessageSpan('orchestrator', { subject: 'evt.consensus.quorum-failed', seq: 1 }, () => {
        throw new Error('bus down');
      }),
    ).rejects.toThrow('bus down');
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('orchestrator evt.consensus.quorum-failed');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.status.code).toBe(2); // ERROR
    expect(span.attributes).not.toHaveProperty('bitcraps.saga_id');
  });

  it('sagaIdOf: a correlation id is a saga id only in the saga id format', () => {
    expect(sagaIdOf(SAGA)).toBe(SAGA);
    expect(sagaIdOf('9b2f6c1e-1c1e-4c1e-8c1e-1c1e1c1e1c1e')).toBeUndefined();
    expect(sagaIdOf(undefined)).toBeUndefined();
  });
});
