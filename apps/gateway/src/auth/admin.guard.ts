import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { ApiError } from '../http/api-error';
import { bearerOf } from './authenticate';
import type { GatewayConfig } from '../config';

// Digests have one length whatever was sent, so the comparison leaks neither the
// token's length nor how much of it matched.
const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `given` is the admin token; constant time in the token's content. */
export function isAdminToken(adminToken: string, given: string): boolean {
  return timingSafeEqual(digest(adminToken), digest(given));
}

/**
 * Operator endpoints (suspend, resume, audit): `Authorization: Bearer <ADMIN_TOKEN>`.
 * 401 UNAUTHORIZED without a bearer token, 403 FORBIDDEN with a wrong one, and 403 for
 * everyone when ADMIN_TOKEN is not set (development: the endpoints are off; production
 * refuses to start without it). Use with `@UseGuards(AdminGuard)`.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    const adminToken = this.config.ADMIN_TOKEN;
    if (!adminToken) throw new ApiError('FORBIDDEN', 'admin endpoints are disabled: ADMIN_TOKEN is not set');
    const given = bearerOf(req);
    if (given === null) throw new ApiError('UNAUTHORIZED', 'missing admin bearer token');
    if (!isAdminToken(adminToken, given)) throw new ApiError('FORBIDDEN', 'not the admin token');
    return true;
  }
}
