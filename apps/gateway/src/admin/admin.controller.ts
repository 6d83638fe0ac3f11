import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { FundBankroll, FundBankrollBodySchema, GameIdSchema, GetTreasuryAudit, GetWalletTotals, ListSagas, ResumeGame, SuspendGame } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AdminGuard } from '../auth/admin.guard';
import { ApiError, parseInput } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import { uuidFromKey } from '../idempotency/idempotency-key';
import { idempotencyOf } from '../idempotency/idempotent-id';
import { assembleAudit } from './audit';
import type { GatewayConfig } from '../config';

const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

/** Operator endpoints, behind the admin token. */
@Controller('v1')
@UseGuards(AdminGuard)
export class AdminController {
  private readonly logger = new Logger('admin');

  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** GET /v1/audit: `{deposits, bankroll, wallets, stacks, escrow, inFlight, balanced, …}`. */
  @Get('audit')
  async audit() {
    const t = this.config.REQUEST_TIMEOUT_MS;
    const [wallets, treasury, sagas] = await Promise.all([
      this.bus.query(GetWalletTotals, {}, { timeoutMs: t }),
      this.bus.query(GetTreasuryAudit, {}, { timeoutMs: t }),
      this.bus.query(ListSagas, { unfinishedOnly: true }, { timeoutMs: t }),
    ]);
    return assembleAudit(okOrThrow(wallets), okOrThrow(treasury).audit, okOrThrow(sagas).sagas.length);
  }

  /**
   * POST /v1/admin/bankroll/fund `{amount, reason?}` → `{opId, amount, bankroll}`: adds
   * chips to the house bankroll (the audit counts them in `bankrollAdditions`). The op id
   * derives from the Idempotency-Key alone, not from who sends it (the admin token has
   * no player, so the key's record is per address): a retry with the key funds once.
   */
  @Post('admin/bankroll/fund')
  @HttpCode(200)
  async fund(@Body() body: unknown, @Req() req: Request) {
    const { amount, reason } = parseInput(FundBankrollBodySchema, body ?? {});
    const idem = idempotencyOf(req);
    const opId = `admin:fund:${idem ? uuidFromKey('admin', idem.key, 'fund-bankroll') : randomUUID()}`;
    const reply = await this.bus.command(FundBankroll, { opId, amount }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS });
    const { bankroll } = okOrThrow(reply);
    this.logger.log(`bankroll funded with ${amount} by ${opId} (now ${bankroll}): ${reason ?? 'no reason given'}`);
    return { opId, amount, bankroll };
  }

  /** POST /v1/games/:gameId/suspend `{reason}`: the game refuses joins, bets and rolls. */
  @Post('games/:gameId/suspend')
  @HttpCode(200)
  async suspend(@Param('gameId') gameId: string, @Body() body: unknown) {
    return this.admin(SuspendGame, gameId, body);
  }

  /** POST /v1/games/:gameId/resume `{reason}`. */
  @Post('games/:gameId/resume')
  @HttpCode(200)
  async resume(@Param('gameId') gameId: string, @Body() body: unknown) {
    return this.admin(ResumeGame, gameId, body);
  }

  private async admin(def: typeof SuspendGame | typeof ResumeGame, gameId: string, body: unknown) {
    if (!GameIdSchema.safeParse(gameId).success) throw new ApiError('GAME_NOT_FOUND', 'no such game');
    const { reason } = parseInput(ReasonBody, body ?? {});
    const reply = await this.bus.command(def, { gameId, reason, opId: `admin:${randomUUID()}` }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS });
    return okOrThrow(reply).game;
  }
}
