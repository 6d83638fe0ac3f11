import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';
import { installTracePropagation } from './tracing';

describe('createLogger', () => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });

  beforeAll(() => installTracePropagation());
  afterAll(() => provider.shutdown());

  it('writes the trace and span ids of the active span on every line, even after an await', async () => {
    const logger = createLogger('svc', 'info', destination);
    const span = provider.getTracer('test').startSpan('work');
    await context.with(trace.setSpan(context.active(), span), async () => {
      logger.info('before');
      await new Promise((r) => setImmediate(r));
      logger.info({ n: 1 }, 'after');
    });
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(lines).toEqual([
      expect.objectContaining({ service: 'svc', msg: 'before', trace_id: traceId, span_id: spanId }),
      expect.objectContaining({ service: 'svc', msg: 'after', n: 1, trace_id: traceId, span_id: spanId }),
    ]);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('writes no ids outside a span', () => {
    lines.length = 0;
    createLogger('svc', 'info', destination).info('alone');
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('span_id');
  });
});
