import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { ReplyTimeoutError } from '@bitcraps/messaging';
import type { ErrorCode } from '@bitcraps/contracts';
import { ApiError } from './api-error';

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function isUnavailable(err: unknown): boolean {
  return err instanceof ReplyTimeoutError || err instanceof TimeoutError || err instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders());
}

/** Every failure leaves as `{"error":{"code","message"}}`; nothing internal leaks. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toAnswer(err);
    if (status >= 500 && status !== 503) this.logger.error((err as Error)?.stack ?? String(err));
    if (status === 503) res.setHeader('Retry-After', '1');
    res.status(status).json(body);
  }

  private toAnswer(err: unknown): { status: number; body: unknown } {
    if (err instanceof ApiError) {
      return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } } };
    }
    if (isUnavailable(err)) {
      return { status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'a service did not answer in time; retry shortly' } } };
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      return { status, body: { error: { code: HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED'), message: err.message } } };
    }
    return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'internal error' } } };
  }
}
