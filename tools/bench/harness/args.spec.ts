import { parseArgs, usage, UsageError, type OptionSpec } from './args';

const SPEC = {
  clients: { type: 'number', default: 32, min: 1, help: 'clients' },
  seed: { type: 'string', help: 'seed' },
  quick: { type: 'boolean', help: 'quick' },
} satisfies Record<string, OptionSpec>;

describe('parseArgs', () => {
  it('fills the defaults', () => {
    expect(parseArgs(SPEC, [])).toEqual({ help: false, clients: 32, seed: undefined, quick: false });
  });
  it('reads --name value, --name=value and flags', () => {
    expect(parseArgs(SPEC, ['--clients', '8', '--seed=abc', '--quick'])).toMatchObject({ clients: 8, seed: 'abc', quick: true });
    expect(parseArgs(SPEC, ['--quick=false']).quick).toBe(false);
    expect(parseArgs(SPEC, ['--help']).help).toBe(true);
  });
  it('refuses unknown options, missing values, non-numbers and values under the minimum', () => {
    expect(() => parseArgs(SPEC, ['--client', '3'])).toThrow(new UsageError('unknown option --client'));
    expect(() => parseArgs(SPEC, ['--clients'])).toThrow(/needs a value/);
    expect(() => parseArgs(SPEC, ['--clients', 'many'])).toThrow(/must be a number/);
    expect(() => parseArgs(SPEC, ['--clients', '0'])).toThrow(/at least 1/);
    expect(() => parseArgs(SPEC, ['stray'])).toThrow(/unexpected argument/);
  });
  it('describes every option with its default', () => {
    const text = usage('prog', 'does things', SPEC);
    expect(text).toMatch(/--clients <number> +clients \(default 32\)/);
    expect(text).toMatch(/--quick +quick$/m);
  });
});
