import { loadConfig } from '@bitcraps/service-kit';
import { GatewayConfigSchema } from './config';

describe('gateway configuration', () => {
  it('listens on 3000 with a 64 KiB body limit and the faucet on in development', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, {})).toMatchObject({ HTTP_PORT: 3000, MAX_BODY_BYTES: 65_536, FAUCET_MAX: 1_000_000 });
  });
  it('takes GATEWAY_PORT over HTTP_PORT', () => {
    expect(loadConfig('gateway', GatewayConfigSchema, { GATEWAY_PORT: '4000', HTTP_PORT: '5000' }).HTTP_PORT).toBe(4000);
  });
  it('refuses to start in production without a token secret, and turns the faucet off there', () => {
    expect(() => loadConfig('gateway', GatewayConfigSchema, { NODE_ENV: 'production' })).toThrow(/TOKEN_SECRET: is required in production/);
    expect(loadConfig('gateway', GatewayConfigSchema, { NODE_ENV: 'production', TOKEN_SECRET: 's'.repeat(32) }).FAUCET_MAX).toBe(0);
  });
});
