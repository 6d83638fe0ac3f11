import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '../http/api-error';
import { AdminGuard, isAdminToken } from './admin.guard';
import type { GatewayConfig } from '../config';

const ADMIN = 'a-very-long-admin-token-0123456789abcdef';
const ctxWith = (authorization?: string) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;
const guard = (adminToken?: string) => new AdminGuard({ ADMIN_TOKEN: adminToken } as GatewayConfig);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? { status: err.status, code: err.code } : err;
  }
  return 'passed';
};

describe('AdminGuard', () => {
  it('lets the admin token through', () => {
    expect(guard(ADMIN).canActivate(ctxWith(`Bearer ${ADMIN}`))).toBe(true);
    expect(guard(ADMIN).canActivate(ctxWith(`bearer   ${ADMIN}`))).toBe(true);
  });

  it('answers 401 without a bearer token and 403 with a wrong one', () => {
    for (const header of [undefined, '', 'Basic abc', ADMIN, `Bearer`]) expect(refusal(() => guard(ADMIN).canActivate(ctxWith(header)))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    for (const wrong of ['x', ADMIN.slice(0, -1), ADMIN + 'x', ADMIN.toUpperCase()]) {
      expect(refusal(() => guard(ADMIN).canActivate(ctxWith(`Bearer ${wrong}`)))).toEqual({ status: 403, code: 'FORBIDDEN' });
    }
  });

  it('answers 403 to everyone when ADMIN_TOKEN is not set (the endpoints are off)', () => {
    expect(refusal(() => guard(undefined).canActivate(ctxWith(`Bearer ${ADMIN}`)))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(refusal(() => guard(undefined).canActivate(ctxWith()))).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('compares digests, so any length compares without throwing', () => {
    expect(isAdminToken(ADMIN, ADMIN)).toBe(true);
    expect(isAdminToken(ADMIN, '')).toBe(false);
    expect(isAdminToken(ADMIN, 'x'.repeat(10_000))).toBe(false);
  });
});
