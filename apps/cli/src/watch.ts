import { ApiFailure, type ApiClient } from './client';
import { formatEvent } from './format';
import { SseParser, type ServerEvent } from './sse';

export interface WatchOptions {
  gameId: string;
  /** Stop after this many events. */
  count?: number;
  /** One JSON object a line instead of readable lines. */
  json: boolean;
  client: ApiClient;
  out(text: string): void;
  err(text: string): void;
  /** Aborts the watch (Ctrl-C): it ends with 0. */
  signal?: AbortSignal;
  /** First wait before a reconnect, doubled each failed attempt (tests pass 0). */
  backoffMs?: number;
  /** Longest wait between reconnects. */
  maxBackoffMs?: number;
  /** Failed reconnects in a row before giving up. */
  maxReconnects?: number;
}

export const WATCH_BACKOFF_MS = 500;
export const WATCH_MAX_BACKOFF_MS = 10_000;
export const WATCH_MAX_RECONNECTS = 20;

/** The wait before reconnect attempt `failures + 1`: doubling from `baseMs`, never over `capMs`. */
export function reconnectDelayMs(failures: number, baseMs = WATCH_BACKOFF_MS, capMs = WATCH_MAX_BACKOFF_MS): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(failures, 30));
}

/**
 * Whether a failed (re)connect is worth another try: a gateway down, restarting (503)
 * or busy (429, 5xx) comes back; a refusal of the request itself (401 a bad token, 404
 * no such game, any other 4xx) would be refused again.
 */
export function worthRetrying(err: unknown): boolean {
  if (err instanceof ApiFailure) return err.status === 429 || err.status >= 500;
  return true;
}

const errorText = (err: unknown) => (err instanceof ApiFailure ? `${err.code} (${err.status})` : ((err as Error)?.message ?? String(err)));

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows a game's Server-Sent Events until `count` events or Ctrl-C; resolves with the
 * exit status. When the stream drops it reconnects with bounded backoff, sending the id
 * of the last event it printed as `Last-Event-ID`, so the gateway replays what happened
 * meanwhile and nothing prints twice. The first connect is not retried (a wrong URL,
 * token or game should fail at once); a refusal on a reconnect (401, 404) ends the watch
 * with that error, and so do `maxReconnects` failures in a row.
 */
export async function watchGame(o: WatchOptions): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  o.signal?.addEventListener('abort', stop, { once: true });
  if (o.signal?.aborted) stop();
  const path = `/v1/games/${encodeURIComponent(o.gameId)}/events`;
  const maxReconnects = o.maxReconnects ?? WATCH_MAX_RECONNECTS;
  let lastId: string | undefined;
  let seen = 0;
  try {
    let res = await o.client.stream(path, controller.signal);
    if (!o.json) o.err(`watching ${o.gameId} (Ctrl-C stops)`);
    for (;;) {
      const lost = await readUntilDropped(res, controller.signal, (event) => {
        // a replay after Last-Event-ID starts past it; this guards against any overlap
        if (lastId !== undefined && event.id !== undefined && /^\d+$/.test(lastId) && /^\d+$/.test(event.id) && Number(event.id) <= Number(lastId)) return false;
        if (event.id !== undefined) lastId = event.id;
        o.out(o.json ? JSON.stringify({ event: event.event, data: safeJson(event.data), ...(event.id ? { id: event.id } : {}) }) : formatEvent(event));
        return count(++seen);
      });
      if (lost === 'done' || controller.signal.aborted) return 0;
      const from = lastId !== undefined ? `after event ${lastId}` : 'from now (no event seen yet)';
      o.err(`connection lost (${lost}); reconnecting, resuming ${from}`);
      res = await reconnect();
      o.err(`reconnected to ${o.gameId}, resuming ${from}`);
    }
  } catch (err) {
    if (controller.signal.aborted) return 0;
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', stop);
    controller.abort();
  }

  function count(n: number): boolean {
    return o.count !== undefined && n >= o.count;
  }

  async function reconnect(): Promise<Response> {
    let wait = reconnectDelayMs(0, o.backoffMs, o.maxBackoffMs);
    for (let failures = 1; ; failures++) {
      await pause(wait, controller.signal);
      if (controller.signal.aborted) throw new Error('aborted');
      try {
        return await o.client.stream(path, controller.signal, lastId !== undefined ? { 'last-event-id': lastId } : {});
      } catch (err) {
        if (controller.signal.aborted || !worthRetrying(err) || failures >= maxReconnects) throw err;
        wait = reconnectDelayMs(failures, o.backoffMs, o.maxBackoffMs);
        // a rate limit says how long to stay away
        if (err instanceof ApiFailure && err.retryAfterSeconds) wait = Math.max(wait, err.retryAfterSeconds * 1000);
        o.err(`reconnect failed (${errorText(err)}); trying again in ${(wait / 1000).toFixed(1)} s`);
      }
    }
  }
}

/**
 * Reads one response's events into `onEvent` until it returns true ('done'), or the
 * stream ends or breaks: then says why.
 */
async function readUntilDropped(res: Response, signal: AbortSignal, onEvent: (e: ServerEvent) => boolean): Promise<'done' | string> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal.aborted) return 'done';
        return errorText((err as { cause?: unknown })?.cause ?? err);
      }
      if (chunk.done) return 'the gateway ended the stream';
      for (const event of parser.push(decoder.decode(chunk.value, { stream: true }))) if (onEvent(event)) return 'done';
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
