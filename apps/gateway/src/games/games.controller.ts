import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CreateGame, CreateGameBodySchema, GameIdSchema, GetGame } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AuthGuard, CurrentPlayer } from '../auth/auth.guard';
import { ApiError, parseInput } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import { idempotentId } from '../idempotency/idempotent-id';
import type { Request } from 'express';
import type { GatewayConfig } from '../config';

@Controller('v1/games')
@UseGuards(AuthGuard)
export class GamesController {
  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** POST /v1/games with the per-game settings (all optional) → 201 the game. */
  @Post()
  @HttpCode(201)
  async create(@CurrentPlayer() playerId: string, @Body() body: unknown, @Req() req: Request) {
    const settings = parseInput(CreateGameBodySchema, body ?? {});
    const gameId = idempotentId(req, 'g');
    const { game } = okOrThrow(
      await this.bus.command(CreateGame, { gameId, createdBy: playerId, settings }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }),
    );
    return game;
  }

  /** GET /v1/games/:gameId → the game; 404 GAME_NOT_FOUND when there is none. */
  @Get(':gameId')
  async get(@Param('gameId') gameId: string) {
    if (!GameIdSchema.safeParse(gameId).success) throw new ApiError('GAME_NOT_FOUND', `no game ${gameId.slice(0, 80)}`);
    const { game } = okOrThrow(await this.bus.query(GetGame, { gameId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return game;
  }
}
