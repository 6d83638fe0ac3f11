import { randomUUID } from 'node:crypto';

/** An answer of the API that is not a success: its error code and message (DESIGN.md section 8). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly issues?: unknown[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** The gateway could not be reached at all. */
export class Unreachable extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach the gateway at ${url}: ${(cause as Error)?.message ?? cause}`);
    this.name = 'Unreachable';
  }
}

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  /** Retries of a 503 or a lost connection; POSTs repeat their Idempotency-Key, so a retry never doubles an effect. */
  retries?: number;
  /** Waits between retries (tests pass 0). */
  backoffMs?: number;
}

/**
 * A small client of the gateway's HTTP API. Every POST carries a fresh Idempotency-Key,
 * kept across its retries.
 */
export class ApiClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get<T = any>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body, randomUUID());
  }

  /** Opens a streaming GET (Server-Sent Events), once, no retry; the caller reads the body. */
  async stream(path: string, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.call('GET', path, undefined, undefined, { ...headers, accept: 'text/event-stream' }, signal);
    if (!res.ok) throw await failureOf(res);
    return res;
  }

  private async send<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.call(method, path, body, idempotencyKey);
      } catch (err) {
        if (attempt < retries && (method === 'GET' || idempotencyKey)) {
          await this.pause(attempt);
          continue;
        }
        throw err;
      }
      if (res.status === 503 && attempt < retries) {
        await res.body?.cancel();
        await this.pause(attempt);
        continue;
      }
      if (!res.ok) throw await failureOf(res);
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }

  private async call(method: string, path: string, body: unknown, idempotencyKey: string | undefined, extra: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    try {
      return await this.fetch(this.options.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new Unreachable(this.options.baseUrl, (err as { cause?: unknown })?.cause ?? err);
    }
  }

  private pause(attempt: number): Promise<void> {
    const ms = (this.options.backoffMs ?? 250) * 2 ** attempt;
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  }
}

/** Reads an error answer: `{"error":{"code","message"}}`, or whatever came back. */
export async function failureOf(res: Response): Promise<ApiFailure> {
  const text = await res.text().catch(() => '');
  const retryAfter = res.headers.get('retry-after');
  const seconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; issues?: unknown } };
    if (body?.error && typeof body.error.code === 'string') {
      return new ApiFailure(res.status, body.error.code, String(body.error.message ?? ''), seconds, Array.isArray(body.error.issues) ? body.error.issues : undefined);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiFailure(res.status, `HTTP_${res.status}`, text.slice(0, 300) || res.statusText, seconds);
}
