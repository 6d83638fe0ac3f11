import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/** How long shutdown waits for one stream to end before it moves on. */
const END_TIMEOUT_MS = 3_000;

/**
 * Long-lived responses (Server-Sent Events) that graceful shutdown must end: the HTTP
 * server's close waits for every open response, so an SSE client left open would hold
 * the process until the forced exit. A controller tracks each stream with the function
 * that ends it (close its EVT consumer, end the response); shutdown calls them all
 * before the HTTP server and the NATS connection close.
 */
@Injectable()
export class OpenStreams implements OnModuleDestroy {
  private readonly open = new Set<() => void | Promise<void>>();
  private closing = false;

  /** True once shutdown has begun: a stream opened now is ended at once. */
  get shuttingDown(): boolean {
    return this.closing;
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Registers a stream's `end`; returns the function that forgets it (call it when the
   * stream ends by itself). During shutdown `end` runs at once.
   */
  track(end: () => void | Promise<void>): () => void {
    if (this.closing) {
      void Promise.resolve()
        .then(end)
        .catch(() => undefined);
      return () => undefined;
    }
    this.open.add(end);
    return () => void this.open.delete(end);
  }

  /** Ends every open stream (each bounded by END_TIMEOUT_MS); called by Nest on close. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const ends = [...this.open];
    this.open.clear();
    await Promise.all(
      ends.map((end) => {
        let timer: NodeJS.Timeout | undefined;
        const bounded = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, END_TIMEOUT_MS);
          timer.unref();
        });
        const ended = Promise.resolve()
          .then(end)
          .catch(() => undefined);
        return Promise.race([ended, bounded]).finally(() => clearTimeout(timer));
      }),
    );
  }
}
