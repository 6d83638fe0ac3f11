import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { z } from 'zod';
import { JetStreamServer } from '@bitcraps/messaging';
import { createLogger, httpTracing, installSpanExport, installTracePropagation, PinoNestLogger, scheduledDelayFromEnv, ServiceMetrics, type SpanExport } from '@bitcraps/telemetry';
import { ConfigError, loadConfig, type BaseConfig } from './config';
import { assertDurable, DurabilityError, type DurabilityNeeds } from './durability';
import { ServiceKitModule } from './service-kit.module';

export interface ServiceDefinition<C extends BaseConfig> {
  service: string;
  /** The service's own module: its controllers, handlers and domain providers. */
  module: Type | DynamicModule;
  configSchema: z.ZodType<C>;
  /** Consume `cmd.<service>.>` and serve `qry.<service>.>` (every service but the gateway). */
  consumesCommands: boolean;
  /** Express settings before listening (body limits, filters). */
  configure?: (app: INestApplication, config: C) => void;
  /** Nest's own body parser; the gateway turns it off to set its own limit. */
  bodyParser?: boolean;
  /**
   * The service owns money: with NODE_ENV=production it refuses to start unless CMD,
   * EVT and these streams and KV buckets are replicated 3 times and drop re-sends for as
   * long as a redelivered command may publish again (durability.ts). Default false.
   */
  ownsMoney?: false | DurabilityNeeds;
}

export interface ServiceApp<C extends BaseConfig = BaseConfig> {
  app: INestApplication;
  config: C;
  url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts one service: config from the environment (checked), tracing,
 * logger, metrics, the JetStream transport, then HTTP. Used by main.ts and by tests
 * that run services in-process.
 */
export async function createServiceApp<C extends BaseConfig>(def: ServiceDefinition<C>, env: NodeJS.ProcessEnv = process.env): Promise<ServiceApp<C>> {
  const config = loadConfig(def.service, def.configSchema, env);
  let scheduledDelayMs: number | undefined;
  try {
    scheduledDelayMs = scheduledDelayFromEnv(env);
  } catch (err) {
    throw new ConfigError(def.service, [(err as Error).message]);
  }
  if (def.ownsMoney && config.NODE_ENV === 'production') {
    await assertDurable({ service: def.service, natsUrl: config.NATS_URL, needs: def.ownsMoney, plannedReplicas: config.STREAM_REPLICAS });
  }
  installTracePropagation();
  const spans: SpanExport | undefined = config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? installSpanExport({ service: def.service, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, scheduledDelayMs })
    : undefined;
  const logger = createLogger(def.service, config.LOG_LEVEL);
  const metrics = new ServiceMetrics(def.service);

  @Module({ imports: [ServiceKitModule.forRoot({ service: def.service, config, metrics }), def.module] })
  class RootModule {}

  const app = await NestFactory.create(RootModule, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: def.bodyParser ?? true,
  });
  // first of the middleware, so the request span covers rate limits and body parsing
  app.use(httpTracing(def.service));
  def.configure?.(app, config);
  if (def.consumesCommands) {
    app.connectMicroservice(
      {
        strategy: new JetStreamServer({
          url: config.NATS_URL,
          service: def.service,
          concurrency: config.CONCURRENCY,
          streamReplicas: config.STREAM_REPLICAS,
          onHandled: (subject, outcome, seconds) => metrics.observeCommand(subject, outcome, seconds),
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  logger.info({ url }, `${def.service} ready`);
  const close = async () => {
    try {
      await app.close();
    } finally {
      // after the app: spans of in-flight work have ended by then and are flushed
      await spans?.shutdown().catch((err) => logger.warn(`span export shutdown: ${(err as Error).message}`));
    }
  };
  return { app, config, url, close };
}

/**
 * The body of every main.ts: start, stop gracefully on SIGTERM/SIGINT (stop pulling,
 * finish in-flight work, close connections), and exit with a message on bad config.
 */
export async function runService<C extends BaseConfig>(def: ServiceDefinition<C>): Promise<void> {
  let started: ServiceApp<C>;
  try {
    started = await createServiceApp(def);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DurabilityError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    process.stderr.write(`${def.service} failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => {
      process.stderr.write(`${def.service}: shutdown took too long, exiting\n`);
      process.exit(1);
    }, 15_000);
    force.unref();
    started
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        process.stderr.write(`${def.service}: error during ${signal} shutdown: ${(err as Error).message}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
