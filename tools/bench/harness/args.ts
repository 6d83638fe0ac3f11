/**
 * Command-line options of the bench and chaos programs: `--name value`, `--name=value`,
 * and `--flag` for booleans. Pure, so the parsing is unit-tested.
 */
export type OptionSpec =
  | { type: 'number'; default?: number; help: string; min?: number }
  | { type: 'string'; default?: string; help: string }
  | { type: 'boolean'; default?: boolean; help: string };

export type OptionValues<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K] extends { type: 'number' } ? number | undefined : S[K] extends { type: 'boolean' } ? boolean : string | undefined;
};

export class UsageError extends Error {}

export function parseArgs<S extends Record<string, OptionSpec>>(spec: S, argv: readonly string[]): OptionValues<S> & { help: boolean } {
  const out: Record<string, unknown> = { help: false };
  for (const [name, s] of Object.entries(spec)) out[name] = s.default ?? (s.type === 'boolean' ? false : undefined);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${arg}`);
    const name = m[1]!;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    if (s.type === 'boolean') {
      if (m[2] !== undefined && !['true', 'false'].includes(m[2])) throw new UsageError(`--${name} takes no value (or =true/=false)`);
      out[name] = m[2] === undefined ? true : m[2] === 'true';
      continue;
    }
    const raw = m[2] ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    if (s.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || raw.trim() === '') throw new UsageError(`--${name} must be a number, got ${raw}`);
      if (s.min !== undefined && n < s.min) throw new UsageError(`--${name} must be at least ${s.min}, got ${raw}`);
      out[name] = n;
    } else {
      out[name] = raw;
    }
  }
  return out as OptionValues<S> & { help: boolean };
}

export function usage(program: string, summary: string, spec: Record<string, OptionSpec>): string {
  const rows = Object.entries(spec).map(([name, s]) => {
    const left = `  --${name}${s.type === 'boolean' ? '' : ` <${s.type}>`}`;
    const def = s.default !== undefined && s.default !== false ? ` (default ${s.default})` : '';
    return `${left.padEnd(28)} ${s.help}${def}`;
  });
  return [`usage: ${program} [options]`, '', summary, '', 'options:', ...rows, '  --help'.padEnd(28) + ' this text'].join('\n');
}
