import { Controller, Get, Header, Logger, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OpenStreams } from '@bitcraps/service-kit';
import { AdminGuard } from '../auth/admin.guard';
import { OpsMonitor } from './ops-monitor';
import { OPS_PAGE, OPS_PAGE_CSP } from './ops-page';
import type { OpsSnapshot } from './ops-view';

/** How often the event stream says it is alive when EVT is quiet. */
export const HEARTBEAT_MS = 10_000;

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The operator view: GET /ops (the page, no secret in it), GET /v1/ops/state (one
 * snapshot) and GET /v1/ops/events (a snapshot each time EVT moves, at most every
 * 250 ms, and a heartbeat), the last two behind the admin token.
 */
@Controller()
export class OpsController {
  private readonly logger = new Logger('ops');

  constructor(
    private readonly monitor: OpsMonitor,
    private readonly streams: OpenStreams,
  ) {}

  @Get('ops')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', OPS_PAGE_CSP)
  @Header('x-content-type-options', 'nosniff')
  @Header('referrer-policy', 'no-referrer')
  page(): string {
    return OPS_PAGE;
  }

  /** `{at, stuckAfterMs, tables, sagas, audit, problems}`. */
  @Get('v1/ops/state')
  @UseGuards(AdminGuard)
  @Header('cache-control', 'no-store')
  state(): Promise<OpsSnapshot> {
    return this.monitor.snapshot();
  }

  /** Server-Sent Events: `snapshot` (the state) first, whenever EVT moves and at least every 2 s, `heartbeat` when quiet. */
  @Get('v1/ops/events')
  @UseGuards(AdminGuard)
  async events(@Req() req: Request, @Res() res: Response): Promise<void> {
    let open = true;
    let first = false;
    let held: OpsSnapshot | null = null;
    const send = (s: OpsSnapshot) => {
      if (!open) return;
      if (!first) held = s; // the first snapshot goes out first
      else res.write(frame('snapshot', s));
    };
    // subscribe before the first read, so nothing that moves in between is missed
    const unsubscribe = await this.monitor.subscribe(send);
    let ping: NodeJS.Timeout | undefined = undefined; // set once the stream is open; stop() may run before
    const ended = new Promise<void>((resolve) => res.once('close', () => resolve()));
    // shutdown ends the response, else the HTTP server's close would wait for this client
    const untrack = this.streams.track(() => {
      const wasOpen = open;
      stop();
      if (!wasOpen || !res.headersSent) return;
      res.end();
      return ended;
    });
    const stop = () => {
      if (!open) return;
      open = false;
      clearInterval(ping);
      untrack();
      unsubscribe();
    };
    req.on('close', stop);
    let snapshot: OpsSnapshot;
    try {
      snapshot = await this.monitor.snapshot();
    } catch (err) {
      stop();
      throw err;
    }
    if (!open) {
      // shut down while reading the first snapshot: answer, or the server would wait for it
      if (this.streams.shuttingDown && !res.headersSent) res.status(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(frame('snapshot', snapshot));
    first = true;
    const pending = held as OpsSnapshot | null;
    if (pending && pending.at > snapshot.at) res.write(frame('snapshot', pending));
    ping = setInterval(() => res.write(frame('heartbeat', { at: new Date().toISOString() })), HEARTBEAT_MS);
    res.on('error', (err) => {
      this.logger.debug(`ops stream: ${err.message}`);
      stop();
    });
  }
}
