import express, { type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServiceDefinition } from '@bitcraps/service-kit';
import { GatewayConfigSchema, type GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { sendBodyError } from './http/body-errors';

/** The gateway: the HTTP edge. It owns nothing durable and consumes no commands. */
export const gatewayService: ServiceDefinition<GatewayConfig> = {
  service: 'gateway',
  module: GatewayModule,
  configSchema: GatewayConfigSchema,
  consumesCommands: false,
  bodyParser: false,
  configure: (app, config) => {
    const http = app as NestExpressApplication;
    http.disable('x-powered-by');
    // JSON only, capped: a larger body is refused with 413 before anything reads it.
    // Body errors happen before Nest's filters see the request, so answer them here.
    const parseJson = express.json({ limit: config.MAX_BODY_BYTES, strict: true, type: ['application/json', 'application/*+json'] });
    http.use((req: Request, res: Response, next: NextFunction) =>
      parseJson(req, res, (err?: unknown) => (err ? sendBodyError(res, err) : next())),
    );
  },
};
