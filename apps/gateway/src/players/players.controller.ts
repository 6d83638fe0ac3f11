import { Body, Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { CreatePlayerBodySchema, GetPlayer, GetPlayerActivity, RegisterPlayer } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AuthGuard, CurrentPlayer } from '../auth/auth.guard';
import { issueToken } from '../auth/bearer-token';
import { ApiError, parseInput } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import { idempotentId } from '../idempotency/idempotent-id';
import type { Request } from 'express';
import type { GatewayConfig } from '../config';

@Controller('v1/players')
export class PlayersController {
  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** POST /v1/players `{name, deposit?}` → 201 `{playerId, token, balance}`. */
  @Post()
  @HttpCode(201)
  async register(@Body() body: unknown, @Req() req: Request) {
    const input = parseInput(CreatePlayerBodySchema, body ?? {});
    const deposit = input.deposit ?? 0;
    if (deposit > 0 && this.config.FAUCET_MAX === 0) throw new ApiError('FAUCET_DISABLED', 'deposits at registration are disabled here');
    if (deposit > this.config.FAUCET_MAX) throw new ApiError('VALIDATION_FAILED', `deposit may be at most ${this.config.FAUCET_MAX}`);
    const playerId = idempotentId(req, 'p');
    const reply = okOrThrow(
      await this.bus.command(RegisterPlayer, { playerId, name: input.name, deposit }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }),
    );
    return { playerId, token: await issueToken(this.config.TOKEN_SECRET, playerId, this.config.TOKEN_TTL_SECONDS), balance: reply.player.balance };
  }

  /** GET /v1/players/me → `{playerId, name, balance}`. */
  @Get('me')
  @UseGuards(AuthGuard)
  async me(@CurrentPlayer() playerId: string) {
    const { player } = okOrThrow(await this.bus.query(GetPlayer, { playerId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return player;
  }

  /** GET /v1/players/me/activity → `{playerId, lastActiveAt, sessions, history}` (the caller's only). */
  @Get('me/activity')
  @UseGuards(AuthGuard)
  async activity(@CurrentPlayer() playerId: string) {
    const { playerId: id, lastActiveAt, sessions, history } = okOrThrow(
      await this.bus.query(GetPlayerActivity, { playerId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }),
    );
    return { playerId: id, lastActiveAt, sessions, history };
  }
}
