import { ConfigError, loadConfig } from '@bitcraps/service-kit';
import { TreasuryConfigSchema } from './config';

describe('treasury config', () => {
  it('defaults to the bankroll and reserve of DESIGN.md section 9', () => {
    expect(loadConfig('treasury', TreasuryConfigSchema, {})).toMatchObject({ HOUSE_BANKROLL: 1_000_000_000, RESERVE_RATIO: 0.1, HTTP_PORT: 3004 });
    expect(loadConfig('treasury', TreasuryConfigSchema, { HOUSE_BANKROLL: '0', RESERVE_RATIO: '0.25' })).toMatchObject({ HOUSE_BANKROLL: 0, RESERVE_RATIO: 0.25 });
  });

  it('refuses a bankroll or reserve that makes no sense, naming it', () => {
    for (const env of [{ HOUSE_BANKROLL: '-1' }, { HOUSE_BANKROLL: '1.5' }, { HOUSE_BANKROLL: '9007199254740993' }, { RESERVE_RATIO: '1.5' }, { RESERVE_RATIO: 'lots' }]) {
      const name = Object.keys(env)[0]!;
      expect(() => loadConfig('treasury', TreasuryConfigSchema, env)).toThrow(ConfigError);
      expect(() => loadConfig('treasury', TreasuryConfigSchema, env)).toThrow(new RegExp(name));
    }
  });
});
