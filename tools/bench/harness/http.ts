import { Agent, request } from 'node:http';

/** What one HTTP call came back with. `status` 0: no answer at all (connection refused or reset, timeout). */
export interface HttpAnswer {
  status: number;
  body: any;
  /** Milliseconds from sending to the whole answer. */
  ms: number;
  /** The network error when `status` is 0. */
  error?: string;
}

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
  timeoutMs?: number;
}

/**
 * A small JSON client over node:http with keep-alive connections: cheaper per call
 * than fetch, which matters when the load generator shares two cores with the stack.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(
    readonly base: string,
    private readonly defaults: { timeoutMs: number; maxSockets?: number } = { timeoutMs: 35_000 },
  ) {
    this.url = new URL(base);
    this.agent = new Agent({ keepAlive: true, maxSockets: defaults.maxSockets ?? 512 });
  }

  post(path: string, body?: unknown, opts: CallOptions = {}): Promise<HttpAnswer> {
    return this.call('POST', path, body, opts);
  }

  get(path: string, opts: CallOptions = {}): Promise<HttpAnswer> {
    return this.call('GET', path, undefined, opts);
  }

  call(method: string, path: string, body: unknown, opts: CallOptions): Promise<HttpAnswer> {
    const started = performance.now();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: Omit<HttpAnswer, 'ms'>) => {
        if (settled) return;
        settled = true;
        resolve({ ...a, ms: performance.now() - started });
      };
      const req = request(
        { host: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent, timeout: opts.timeoutMs ?? this.defaults.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => done({ status: 0, body: null, error: err.message }));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text
            }
            done({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => done({ status: 0, body: null, error: (err as NodeJS.ErrnoException).code ?? err.message }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The error code of a refusal body (`{error: {code}}`), if it is one. */
export function errorCode(answer: HttpAnswer): string | undefined {
  const code = answer.body?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `201`, `409 GAME_FULL`, `net ECONNRESET`: how an answer is counted in reports. */
export function outcomeLabel(answer: HttpAnswer): string {
  if (answer.status === 0) return `net ${answer.error ?? 'error'}`;
  const code = errorCode(answer);
  return code ? `${answer.status} ${code}` : String(answer.status);
}
