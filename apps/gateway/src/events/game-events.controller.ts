import { Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { GameIdSchema, GetGame, STREAMS } from '@bitcraps/contracts';
import { inMessageSpan, type JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, NATS_CONNECTION, OpenStreams, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AuthGuard } from '../auth/auth.guard';
import { ApiError } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import { belongsToGame, formatEvent } from './game-events';
import type { GatewayConfig } from '../config';

/**
 * GET /v1/games/:gameId/events: the game's events as Server-Sent Events, read from the
 * EVT stream with an ordered consumer per connection. Resumable: `Last-Event-ID` (an EVT
 * sequence) replays everything after it; without it the stream starts now.
 */
@Controller('v1/games/:gameId')
@UseGuards(AuthGuard)
export class GameEventsController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly streams: OpenStreams,
  ) {}

  @Get('events')
  async events(@Param('gameId') gameId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!GameIdSchema.safeParse(gameId).success) throw new ApiError('GAME_NOT_FOUND', 'no such game');
    okOrThrow(await this.bus.query(GetGame, { gameId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    const lastRaw = req.header('last-event-id');
    const last = lastRaw && /^\d{1,15}$/.test(lastRaw) ? Number(lastRaw) : null;
    const consumer = await jetstream(this.nc).consumers.get(
      STREAMS.events.name,
      last !== null ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last + 1 } : { deliver_policy: DeliverPolicy.New },
    );
    const messages = await consumer.consume({ max_messages: 256 });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    // shutdown closes the consumer: the loop below ends and so does the response
    const ended = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const untrack = this.streams.track(() => {
      stop();
      return ended;
    });
    const stop = () => {
      clearInterval(ping);
      untrack();
      void messages.close().catch(() => undefined);
    };
    req.on('close', stop);
    try {
      for await (const m of messages) {
        let body: unknown = null;
        try {
          body = m.json();
        } catch {
          continue;
        }
        // a span for each event this stream forwards (not for the other games' events it skips)
        if (belongsToGame(gameId, m.subject, (n) => m.headers?.get(n) || undefined, body))
          await inMessageSpan('gateway', m, () => void res.write(formatEvent(m.seq, m.subject, m.string())), { 'bitcraps.game_id': gameId });
      }
    } finally {
      stop();
      res.end();
    }
  }
}
