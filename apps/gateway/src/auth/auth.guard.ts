import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { ApiError } from '../http/api-error';
import { verifyToken } from './bearer-token';
import type { GatewayConfig } from '../config';

type AuthedRequest = Request & { playerId?: string };

/** 401 unless `Authorization: Bearer <token>` carries a valid token; sets the player. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new ApiError('UNAUTHORIZED', 'missing bearer token');
    const playerId = verifyToken(this.config.TOKEN_SECRET, match[1]);
    if (!playerId) throw new ApiError('UNAUTHORIZED', 'invalid bearer token');
    req.playerId = playerId;
    return true;
  }
}

/** The authenticated player's id (use with AuthGuard). */
export const CurrentPlayer = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const id = ctx.switchToHttp().getRequest<AuthedRequest>().playerId;
  if (!id) throw new ApiError('UNAUTHORIZED', 'not authenticated');
  return id;
});
