import { loadConfig } from '@bitcraps/service-kit';
import { PlayerConfigSchema } from './config';

describe('player configuration', () => {
  it('ends a session after 30 minutes without activity, or SESSION_IDLE_MS', () => {
    expect(loadConfig('player', PlayerConfigSchema, {}).SESSION_IDLE_MS).toBe(30 * 60_000);
    expect(loadConfig('player', PlayerConfigSchema, { SESSION_IDLE_MS: '5000' }).SESSION_IDLE_MS).toBe(5_000);
    expect(() => loadConfig('player', PlayerConfigSchema, { SESSION_IDLE_MS: '0' })).toThrow(/SESSION_IDLE_MS/);
    expect(() => loadConfig('player', PlayerConfigSchema, { SESSION_IDLE_MS: 'soon' })).toThrow(/SESSION_IDLE_MS/);
  });
});
