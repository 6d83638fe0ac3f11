import { z } from 'zod';
import { BaseConfigSchema, ConfigError, loadConfig } from './config';

const Schema = BaseConfigSchema.extend({ HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3009) });

describe('loadConfig', () => {
  it('fills the defaults', () => {
    expect(loadConfig('svc', Schema, {})).toMatchObject({
      NODE_ENV: 'development', NATS_URL: 'nats://127.0.0.1:4222', REDIS_URL: 'redis://127.0.0.1:6379', HTTP_PORT: 3009, LOG_LEVEL: 'info', CONCURRENCY: 32,
    });
  });

  it('reads and coerces the environment, treating empty values as unset', () => {
    expect(loadConfig('svc', Schema, { HTTP_PORT: '8080', CONCURRENCY: '4', LOG_LEVEL: '' })).toMatchObject({ HTTP_PORT: 8080, CONCURRENCY: 4, LOG_LEVEL: 'info' });
  });

  it('names every bad variable and the value it got', () => {
    let caught: unknown;
    try {
      loadConfig('svc', Schema, { HTTP_PORT: '99999', NATS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const msg = (caught as Error).message;
    expect(msg).toMatch(/^svc: invalid configuration/);
    expect(msg).toMatch(/HTTP_PORT: .*\(got "99999"\)/);
    expect(msg).toMatch(/NATS_URL: must look like nats:\/\/host:port/);
    expect(msg).toMatch(/LOG_LEVEL/);
  });
});
