import { loadConfig } from '@bitcraps/service-kit';
import { GatewayConfigSchema } from './config';
import { DEFAULT_RATE_LIMITS } from './rate-limit/rate-limits';

const prod = { NODE_ENV: 'production', TOKEN_SECRET: 's'.repeat(32), ADMIN_TOKEN: 'a'.repeat(32) };

describe('gateway configuration', () => {
  it('listens on 3000 with a 64 KiB body limit and the faucet on in development', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, {})).toMatchObject({ HTTP_PORT: 3000, MAX_BODY_BYTES: 65_536, FAUCET_MAX: 1_000_000 });
  });
  it('takes GATEWAY_PORT over HTTP_PORT', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, { GATEWAY_PORT: '4000', HTTP_PORT: '5000' }).HTTP_PORT).toBe(4000);
  });
  it('refuses to start in production without a token secret or an admin token, and turns the faucet off there', () => {
    expect(() => loadConfig('gateway', GatewayConfigSchema, { NODE_ENV: 'production' })).toThrow(/TOKEN_SECRET: is required in production[\s\S]*ADMIN_TOKEN: is required in production/);
    expect(() => loadConfig('gateway', GatewayConfigSchema, { ...prod, ADMIN_TOKEN: '' })).toThrow(/ADMIN_TOKEN: is required in production/);
    expect(() => loadConfig('gateway', GatewayConfigSchema, { ...prod, ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN: must be at least 32 characters/);
    expect(loadConfig('gateway', GatewayConfigSchema, prod).FAUCET_MAX).toBe(0);
  });
  it('leaves the admin endpoints off in development without ADMIN_TOKEN', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, {}).ADMIN_TOKEN).toBeUndefined();
  });
  it('gives tokens 24 hours and idempotency keys 24 hours by default', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, {})).toMatchObject({ TOKEN_TTL_SECONDS: 86_400, IDEMPOTENCY_TTL_SECONDS: 86_400 });
    expect(loadConfig('gateway', GatewayConfigSchema, { TOKEN_TTL_SECONDS: '600' }).TOKEN_TTL_SECONDS).toBe(600);
  });
  it('calls an unchanged saga stuck on /ops after 30 s, or OPS_STUCK_AFTER_MS (at least 1 s)', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, {}).OPS_STUCK_AFTER_MS).toBe(30_000);
    expect(loadConfig('gateway', GatewayConfigSchema, { OPS_STUCK_AFTER_MS: '3000' }).OPS_STUCK_AFTER_MS).toBe(3_000);
    expect(() => loadConfig('gateway', GatewayConfigSchema, { OPS_STUCK_AFTER_MS: '10' })).toThrow(/OPS_STUCK_AFTER_MS/);
  });
  it('parses RATE_LIMITS, defaults to DESIGN.md section 9, and names a bad value', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, {}).RATE_LIMITS).toEqual(DEFAULT_RATE_LIMITS);
    expect(loadConfig('gateway', GatewayConfigSchema, { RATE_LIMITS: 'joins=5,burst=2' }).RATE_LIMITS).toEqual({
      perMinute: { general: 60, joins: 5, bets: 60, rolls: 30, ip: 600 },
      burst: 2,
    });
    expect(loadConfig('gateway', GatewayConfigSchema, { RATE_LIMITS: 'off' }).RATE_LIMITS).toBeNull();
    expect(() => loadConfig('gateway', GatewayConfigSchema, { RATE_LIMITS: 'dice=3' })).toThrow(/RATE_LIMITS: unknown rate class "dice"/);
  });
});
