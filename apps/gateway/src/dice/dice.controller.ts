import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { CommitmentBodySchema, CommitSeed, GameIdSchema, GetRollProof, RevealBodySchema, RevealSeed, SubmitVote, VoteBodySchema } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AuthGuard, CurrentPlayer } from '../auth/auth.guard';
import { ApiError, parseInput } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import type { GatewayConfig } from '../config';

function gameIdOf(raw: string): string {
  if (!GameIdSchema.safeParse(raw).success) throw new ApiError('GAME_NOT_FOUND', `no game ${raw.slice(0, 80)}`);
  return raw;
}

/** Provably fair dice (DESIGN.md section 6): players' commitments and reveals, and every roll's proof. */
@Controller('v1/games/:gameId')
export class DiceController {
  constructor(
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** POST /v1/games/:gameId/commitments `{commitment}` (SHA-256 of your 32-byte seed, hex) → 202. */
  @Post('commitments')
  @HttpCode(202)
  @UseGuards(AuthGuard)
  async commit(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown) {
    const input = parseInput(CommitmentBodySchema, body ?? {});
    const r = okOrThrow(await this.bus.command(CommitSeed, { gameId: gameIdOf(raw), playerId, ...input }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return { rollIndex: r.rollIndex, commitment: r.commitment, houseCommitment: r.houseCommitment };
  }

  /** POST /v1/games/:gameId/reveals `{seed}` (64 hex) → 202. */
  @Post('reveals')
  @HttpCode(202)
  @UseGuards(AuthGuard)
  async reveal(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown) {
    const input = parseInput(RevealBodySchema, body ?? {});
    const r = okOrThrow(await this.bus.command(RevealSeed, { gameId: gameIdOf(raw), playerId, ...input }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return { rollIndex: r.rollIndex, awaiting: r.awaiting };
  }

  /** POST /v1/games/:gameId/votes `{rollIndex, dice, signature}`: a quorum table's signed result → 202. */
  @Post('votes')
  @HttpCode(202)
  @UseGuards(AuthGuard)
  async vote(@Param('gameId') raw: string, @CurrentPlayer() playerId: string, @Body() body: unknown) {
    const input = parseInput(VoteBodySchema, body ?? {});
    const r = okOrThrow(await this.bus.command(SubmitVote, { gameId: gameIdOf(raw), playerId, ...input }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return { rollIndex: r.rollIndex, counted: r.counted, status: r.status, valid: r.valid, needed: r.needed };
  }

  /** GET /v1/games/:gameId/rolls/:rollIndex/proof: public, so anyone can check a roll. */
  @Get('rolls/:rollIndex/proof')
  async proof(@Param('gameId') raw: string, @Param('rollIndex') rawIndex: string) {
    const rollIndex = Number(rawIndex);
    if (!/^[1-9][0-9]{0,15}$/.test(rawIndex) || !Number.isSafeInteger(rollIndex)) throw new ApiError('NOT_FOUND', 'no such roll');
    const { proof } = okOrThrow(await this.bus.query(GetRollProof, { gameId: gameIdOf(raw), rollIndex }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return proof;
  }
}
