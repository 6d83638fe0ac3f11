import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { ApiError } from '../http/api-error';
import { authenticate } from './authenticate';
import type { GatewayConfig } from '../config';
import { ActivityToucher } from '../players/activity-toucher';

export type AuthedRequest = Request & { playerId?: string };

/**
 * 401 unless `Authorization: Bearer <token>` carries a valid, unexpired token; sets the
 * player and counts the request in its sessions (throttled, never waited on).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly activity: ActivityToucher,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const check = await authenticate(req, this.config.TOKEN_SECRET);
    if (!check) throw new ApiError('UNAUTHORIZED', 'missing bearer token');
    if (!check.ok) throw new ApiError('UNAUTHORIZED', check.reason === 'expired' ? 'the bearer token has expired: register again' : 'invalid bearer token');
    req.playerId = check.playerId;
    this.activity.touch(check.playerId);
    return true;
  }
}

/** The authenticated player's id (use with AuthGuard). */
export const CurrentPlayer = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const id = ctx.switchToHttp().getRequest<AuthedRequest>().playerId;
  if (!id) throw new ApiError('UNAUTHORIZED', 'not authenticated');
  return id;
});
