import { Body, Controller, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { idempotentId } from '../idempotency/idempotent-id';
import { BetBodySchema, GameIdSchema, GetGame, JoinBodySchema, StartBet, StartJoin, StartLeave, StartRoll, type RollOutcome } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AuthGuard, CurrentPlayer } from '../auth/auth.guard';
import { ApiError, parseInput, parseNoBody } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import { SagaStarter } from './saga-starter';
import type { GatewayConfig } from '../config';

function gameIdOf(raw: string): string {
  if (!GameIdSchema.safeParse(raw).success) throw new ApiError('GAME_NOT_FOUND', `no game ${raw.slice(0, 80)}`);
  return raw;
}

/** Joining, betting and leaving: each a saga in the orchestrator. */
@Controller('v1/games/:gameId')
@UseGuards(AuthGuard)
export class TableController {
  constructor(
    private readonly sagas: SagaStarter,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** POST /v1/games/:gameId/join `{buyIn, publicKey?, password?}` → `{sagaId, status, stack}`. */
  @Post('join')
  async join(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const gameId = gameIdOf(raw);
    const input = parseInput(JoinBodySchema, body ?? {});
    const sagaId = idempotentId(req, 's');
    return this.sagas.run(StartJoin, { sagaId, gameId, playerId, ...input }, req, res, (s) => ({ stack: (s.result?.stack as number | undefined) ?? null }));
  }

  /** POST /v1/games/:gameId/bets `{type, amount, number?}` → `{betId, sagaId, status}`. */
  @Post('bets')
  async bet(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const gameId = gameIdOf(raw);
    const input = parseInput(BetBodySchema, body ?? {});
    const sagaId = idempotentId(req, 's');
    const betId = idempotentId(req, 'b');
    return this.sagas.run(StartBet, { sagaId, gameId, playerId, betId, ...input }, req, res, () => ({ betId }));
  }

  /**
   * POST /v1/games/:gameId/roll (the shooter only: 403 NOT_SHOOTER) → `{rollIndex, dice, phase, point,
   * resolutions}`; 202 `{sagaId}` when the dice are still waiting for reveals.
   */
  @Post('roll')
  async roll(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const gameId = gameIdOf(raw);
    parseNoBody(body);
    const sagaId = idempotentId(req, 's');
    return this.sagas.run(StartRoll, { sagaId, gameId, playerId }, req, res, (s) => {
      const roll = s.result?.roll as RollOutcome | undefined;
      if (!roll) return {};
      return {
        rollIndex: roll.rollIndex,
        dice: roll.dice,
        phase: roll.phase,
        point: roll.point,
        shooter: roll.shooter,
        resolutions: roll.resolutions.map((r) => ({ betId: r.betId, playerId: r.playerId, type: r.type, outcome: r.outcome, amount: r.amount, payout: r.payout })),
      };
    });
  }

  /** POST /v1/games/:gameId/leave → `{sagaId, status, returned}`; 409 NOT_SEATED when not at the table. */
  @Post('leave')
  async leave(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const gameId = gameIdOf(raw);
    parseNoBody(body);
    const sagaId = idempotentId(req, 's');
    // a retry that finds its leave done answers it, not NOT_SEATED: so the seat is checked only before a start
    const seated = async () => {
      const { game } = okOrThrow(await this.bus.query(GetGame, { gameId }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
      if (!game.players.some((p) => p.playerId === playerId)) throw new ApiError('NOT_SEATED', 'you are not seated at this table');
    };
    return this.sagas.run(StartLeave, { sagaId, gameId, playerId }, req, res, (s) => ({ returned: (s.result?.returned as number | undefined) ?? null }), { precheck: seated });
  }
}
