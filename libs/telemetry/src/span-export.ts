import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { installTracePropagation } from './tracing';

export interface SpanExportSettings {
  /** The service's name: resource attribute `service.name`. */
  service: string;
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** Longest wait before a batch is sent (`OTEL_BSP_SCHEDULE_DELAY`, default 5000 ms). */
  scheduledDelayMs?: number;
}

/** A running export; `shutdown` flushes what is buffered and stops it. */
export interface SpanExport {
  readonly url: string;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** `<endpoint>/v1/traces`, as the OTLP spec builds a signal's URL from the base endpoint. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The global tracer provider is one per process. Several services run in one test
 * process share it (the first one's `service.name`), and it stops when the last closes.
 */
let current: { provider: BasicTracerProvider; url: string; users: number } | undefined;

/**
 * Exports every span of this process over OTLP/HTTP (JSON) through a batch processor.
 * Installs trace propagation first, so that spans have parents across NATS. `exporter`
 * replaces the OTLP one in unit tests (the OTLP exporter loads `http` by a dynamic
 * import, which jest's CommonJS runtime refuses; real processes are fine).
 */
export function installSpanExport(settings: SpanExportSettings, exporter?: SpanExporter): SpanExport {
  installTracePropagation();
  if (!current) {
    const url = tracesUrl(settings.endpoint);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': settings.service }),
      spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url }), settings.scheduledDelayMs !== undefined ? { scheduledDelayMillis: settings.scheduledDelayMs } : {})],
    });
    trace.setGlobalTracerProvider(provider);
    current = { provider, url, users: 0 };
  }
  const mine = current;
  mine.users += 1;
  let stopped = false;
  return {
    url: mine.url,
    forceFlush: () => mine.provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      mine.users -= 1;
      if (mine.users > 0) return void (await mine.provider.forceFlush());
      if (current === mine) {
        current = undefined;
        // lets a later start in this process register a provider again
        trace.disable();
      }
      await mine.provider.shutdown();
    },
  };
}

/** Reads `OTEL_BSP_SCHEDULE_DELAY` (milliseconds); undefined when unset, an error when not a number. */
export function scheduledDelayFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.OTEL_BSP_SCHEDULE_DELAY;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`OTEL_BSP_SCHEDULE_DELAY: must be a whole number of milliseconds (got "${raw}")`);
  return n;
}
