import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  CommitmentBodySchema,
  CommitSeed,
  CurrentRoundSchema,
  GameIdSchema,
  GetRollProof,
  GetRoundStatus,
  ResolveRound,
  ResolveRoundBodySchema,
  RevealBodySchema,
  RevealSeed,
  SubmitVote,
  VoteBodySchema,
  type CurrentRound,
} from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AdminGuard } from '../auth/admin.guard';
import { AuthGuard, CurrentPlayer } from '../auth/auth.guard';
import { ApiError, parseInput } from '../http/api-error';
import { okOrThrow } from '../http/replies';
import type { GatewayConfig } from '../config';

function gameIdOf(raw: string): string {
  if (!GameIdSchema.safeParse(raw).success) throw new ApiError('GAME_NOT_FOUND', `no game ${raw.slice(0, 80)}`);
  return raw;
}

function rollIndexOf(raw: string): number {
  const rollIndex = Number(raw);
  if (!/^[1-9][0-9]{0,15}$/.test(raw) || !Number.isSafeInteger(rollIndex)) throw new ApiError('NOT_FOUND', 'no such roll');
  return rollIndex;
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
    const rollIndex = rollIndexOf(rawIndex);
    const { proof } = okOrThrow(await this.bus.query(GetRollProof, { gameId: gameIdOf(raw), rollIndex }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return proof;
  }

  /**
   * GET /v1/games/:gameId/rounds/current: public, like the proofs. The house's commitment
   * for the next roll (published before betting on it opens) and the players' commitments;
   * never a seed.
   */
  @Get('rounds/current')
  async currentRound(@Param('gameId') raw: string): Promise<CurrentRound> {
    const { round } = okOrThrow(await this.bus.query(GetRoundStatus, { gameId: gameIdOf(raw) }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    // only these keys: the voting state and faults stay in the consensus read
    return CurrentRoundSchema.parse(round);
  }

  /**
   * POST /v1/games/:gameId/rolls/:rollIndex/resolve `{decision: "accept", reason}` (operators):
   * finalizes a round whose quorum failed with its dice; resume the game next and the
   * shooter's roll of that index gets them.
   */
  @Post('rolls/:rollIndex/resolve')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  async resolve(@Param('gameId') raw: string, @Param('rollIndex') rawIndex: string, @Body() body: unknown) {
    const gameId = gameIdOf(raw);
    const rollIndex = rollIndexOf(rawIndex);
    const { reason } = parseInput(ResolveRoundBodySchema, body ?? {});
    // resolving is idempotent by the round's state: a fresh op id per request is enough
    const r = okOrThrow(await this.bus.command(ResolveRound, { gameId, rollIndex, opId: `admin:${randomUUID()}`, reason }, { timeoutMs: this.config.REQUEST_TIMEOUT_MS }));
    return { rollIndex: r.rollIndex, status: r.status, dice: r.dice };
  }
}
