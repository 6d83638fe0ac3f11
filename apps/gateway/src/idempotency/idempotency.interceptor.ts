import { Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ApiError } from '../http/api-error';
import { fingerprintOf, IDEMPOTENCY_HEADER, isValidIdempotencyKey, recordKey, REPLAYED_HEADER } from './idempotency-key';
import type { IdempotencyStore, StoredAnswer } from './idempotency.store';

export interface IdempotencyOptions {
  /** How long a first answer is kept (24 h). */
  ttlMs: number;
  /** How long a claim lives while its request runs; a crashed gateway's claim lapses after it. */
  pendingTtlMs: number;
  /** How long a concurrent request with the same key waits for the first one's answer. */
  waitMs: number;
  pollMs?: number;
  /** Key prefix (tests on a shared Redis use a unique one). */
  prefix?: string;
}

/** `attempt`: how often the key was given up after an answer that did nothing; ids derive from it too. */
export type IdempotencyOfRequest = { subject: string; key: string; attempt: number };
type IdempotentRequest = Request & { playerId?: string; idempotency?: IdempotencyOfRequest };

const NOT_FINAL = 'idempotencyNotFinal';

/**
 * Marks a successful answer as not final (202: a saga still running): it is not kept
 * for the key, which is given up so that a retry with it asks again (and, with the ids
 * derived from the key, finds the same saga rather than starting a second).
 */
export function answerIsNotFinal(res: Response): void {
  res.locals[NOT_FINAL] = true;
}

/** Who a key belongs to: the player when authenticated (set by AuthGuard), else the client's IP. */
export function idempotencySubject(req: IdempotentRequest): string {
  return req.playerId ? `p:${req.playerId}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * Idempotency-Key on every POST (DESIGN.md section 8), as a global interceptor: it runs
 * after the guards (so it knows the player) and around the handler.
 * - no header: the request runs as usual;
 * - first use of a key: the request runs; a final answer (2xx, or a 4xx refusal) is
 *   stored for 24 h. An answer that is not final gives the key up, so a retry runs:
 *   a failure with an unknown outcome (5xx, 503 timeout) and a 202 for a saga still
 *   running (`answerIsNotFinal`) keep the ids derived from the key (the retry re-sends
 *   the same command, or finds the same saga); TRY_AGAIN ("not now") and a saga that
 *   was undone did nothing, so the retry derives fresh ids (`attempt` + 1);
 * - the same key and the same method, path and body: the first answer (status and
 *   body), with `Idempotent-Replayed: true`, and nothing runs;
 * - the same key with another request: 409 IDEMPOTENCY_KEY_REUSED;
 * - the same key while the first request still runs: waits for its answer up to
 *   `waitMs`, then 409 CONFLICT (still in progress).
 * Redis down: a request with a key gets 503 (the promise cannot be kept), one without
 * a key is not affected.
 */
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('idempotency');
  private readonly prefix: string;
  private readonly pollMs: number;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly options: IdempotencyOptions,
  ) {
    this.prefix = options.prefix ?? 'gateway:';
    this.pollMs = options.pollMs ?? 25;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<IdempotentRequest>();
    const raw = req.headers[IDEMPOTENCY_HEADER];
    if (req.method !== 'POST' || raw === undefined) return next.handle();
    return from(this.handle(req, ctx.switchToHttp().getResponse<Response>(), String(raw), next));
  }

  private async handle(req: IdempotentRequest, res: Response, key: string, next: CallHandler): Promise<unknown> {
    if (!isValidIdempotencyKey(key)) throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 printable ASCII characters');
    const subject = idempotencySubject(req);
    req.idempotency = { subject, key, attempt: 0 };
    const record = recordKey(this.prefix, subject, key);
    const fingerprint = fingerprintOf(req.method, req.originalUrl, req.body);
    const owner = randomUUID();
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const claim = await this.store.claim(record, fingerprint, owner, this.options.pendingTtlMs).catch((err: Error) => {
        this.logger.warn(`idempotency cache unavailable: ${err.message}`);
        throw new ApiError('SERVICE_UNAVAILABLE', 'the idempotency cache is unavailable; retry shortly');
      });
      if (claim.claimed) {
        req.idempotency.attempt = claim.attempt;
        return this.runFirst(record, owner, res, next);
      }
      if (claim.fingerprint !== fingerprint) {
        throw new ApiError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with another request (method, path or body differ)');
      }
      if (claim.state === 'done') return replay(res, claim.answer);
      if (Date.now() >= deadline) {
        res.setHeader('Retry-After', '1');
        throw new ApiError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry shortly');
      }
      // the first request is running: wait for its answer (or for it to give the key up)
      await sleep(this.pollMs);
    }
  }

  private async runFirst(record: string, owner: string, res: Response, next: CallHandler): Promise<unknown> {
    let value: unknown;
    try {
      value = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      if (err instanceof ApiError && err.status < 500 && !err.nothingDone) {
        const body = { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } };
        await this.keep(record, owner, { status: err.status, body: JSON.stringify(body) });
      } else {
        // not final: "not now" or undone (fresh ids), or an unknown outcome (the same ids)
        await this.release(record, owner, err instanceof ApiError && err.nothingDone);
      }
      throw err;
    }
    if (res.locals[NOT_FINAL]) await this.release(record, owner, false);
    else await this.keep(record, owner, { status: res.statusCode, body: value === undefined ? '' : JSON.stringify(value) });
    return value;
  }

  private async release(record: string, owner: string, nothingDone: boolean): Promise<void> {
    await this.store
      .release(record, owner, { nothingDone, ttlMs: this.options.ttlMs })
      .catch((e: Error) => this.logger.warn(`could not release an idempotency key: ${e.message}`));
  }

  /** Stores the answer; the client gets it even when Redis failed just now (logged: a retry may then run twice). */
  private async keep(record: string, owner: string, answer: StoredAnswer): Promise<void> {
    try {
      if (!(await this.store.complete(record, owner, answer, this.options.ttlMs))) {
        this.logger.warn('an idempotency claim lapsed before its request finished (raise REQUEST_TIMEOUT_MS?)');
      }
    } catch (err) {
      this.logger.warn(`could not store an idempotent answer: ${(err as Error).message}`);
    }
  }
}

function replay(res: Response, answer: StoredAnswer): unknown {
  res.status(answer.status);
  res.setHeader(REPLAYED_HEADER, 'true');
  return answer.body === '' ? undefined : JSON.parse(answer.body);
}
