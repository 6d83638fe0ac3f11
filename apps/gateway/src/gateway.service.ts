import { jsonDepthExceeds } from './http/json-depth';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type Redis from 'ioredis';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { REDIS, type ServiceDefinition } from '@bitcraps/service-kit';
import { GatewayConfigSchema, type GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { sendBodyError } from './http/body-errors';
import { JSON_TYPES, jsonBodiesOnly } from './http/json-only';
import { mountDocs } from './docs/docs';
import { RateLimiter } from './rate-limit/rate-limiter';
import { rateLimitMiddleware } from './rate-limit/rate-limit.middleware';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';

/** Wires the gateway's cross-cutting HTTP features onto the app, in the order requests meet them. */
export function configureGateway(app: NestExpressApplication, config: GatewayConfig): void {
  app.disable('x-powered-by');
  if (config.TRUST_PROXY_HOPS > 0) app.set('trust proxy', config.TRUST_PROXY_HOPS);
  const redis: Redis = app.get(REDIS);
  const logger = new Logger('gateway');
  const instance = app.getHttpAdapter().getInstance() as Express;

  // 1. the API's own document (not rate limited, no body)
  mountDocs(instance, { title: 'BitCraps gateway API', version: 'v1' });

  // 2. rate limits, before anything reads the body
  if (config.RATE_LIMITS) {
    let lastWarn = 0;
    app.use(
      rateLimitMiddleware(new RateLimiter(redis, config.RATE_LIMITS), {
        tokenSecret: config.TOKEN_SECRET,
        onRedisError: (err) => {
          if (Date.now() - lastWarn < 5_000) return;
          lastWarn = Date.now();
          logger.warn(`rate limits not enforced (Redis): ${err.message}`);
        },
      }),
    );
  }

  // 3. JSON only, capped: another type is refused with 415, a larger body with 413, before anything reads it.
  // Body errors happen before Nest's filters see the request, so answer them here.
  app.use(jsonBodiesOnly);
  const parseJson = express.json({ limit: config.MAX_BODY_BYTES, strict: true, type: JSON_TYPES });
  // A body nested past MAX_JSON_DEPTH is refused here too: no handler, interceptor or log walks it.
  app.use((req: Request, res: Response, next: NextFunction) =>
    parseJson(req, res, (err?: unknown) => {
      if (err) return sendBodyError(res, err);
      if (jsonDepthExceeds(req.body)) return sendBodyError(res, { type: 'entity.too.deep' });
      next();
    }),
  );

  // 4. Idempotency-Key on every POST: after the guards (it keys by player), around the handler
  const timeout = config.REQUEST_TIMEOUT_MS;
  app.useGlobalInterceptors(
    new IdempotencyInterceptor(new IdempotencyStore(redis), {
      ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
      pendingTtlMs: Math.max(60_000, 4 * timeout),
      waitMs: 2 * timeout + 1_000,
    }),
  );
}

/** The gateway: the HTTP edge. It owns nothing durable and consumes no commands. */
export const gatewayService: ServiceDefinition<GatewayConfig> = {
  service: 'gateway',
  module: GatewayModule,
  configSchema: GatewayConfigSchema,
  consumesCommands: false,
  bodyParser: false,
  configure: (app, config) => configureGateway(app as NestExpressApplication, config),
};
