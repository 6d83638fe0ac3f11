/**
 * Plain-text tables and number formats for the bench and chaos reports: pure, tested.
 */

export type Cell = string | number | null | undefined;

/** A number for a report: thousands separated, `digits` decimals; `–` for null, NaN and ±∞. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const fixed = value.toFixed(digits);
  const [int, frac] = fixed.split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const grouped = int!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return sign + grouped + (frac !== undefined ? `.${frac}` : '');
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '–' : `${fmt(bytes / (1024 * 1024), 1)} MiB`;
}

/** Milliseconds with a precision that suits them (0.42 ms, 12.3 ms, 1 234 ms). */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${fmt(value, value < 1 ? 2 : value < 100 ? 1 : 0)} ms`;
}

/** A ratio as a percentage. */
export function pct(ratio: number | null | undefined, digits = 0): string {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '–' : `${fmt(ratio * 100, digits)} %`;
}

const isNumeric = (c: string) => /^[-+]?[\d\s.,]+(\s*(ms|MiB|%|\/s|s|x))?$/.test(c.trim()) && /\d/.test(c);

/**
 * A table with a header row and aligned columns: numbers (and numbers with a unit) to
 * the right, text to the left.
 */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => headers.map((_, i) => (r[i] === null || r[i] === undefined ? '' : typeof r[i] === 'number' ? fmt(r[i] as number) : String(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const right = headers.map((_, i) => text.length > 0 && text.every((r) => r[i] === '' || isNumeric(r[i]!)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** A titled block for the report. */
export function section(title: string, body: string): string {
  return `\n== ${title} ${'='.repeat(Math.max(3, 76 - title.length))}\n${body}`;
}

/** `{200: 5, '409 GAME_FULL': 2}` as `200×5  409 GAME_FULL×2`, most frequent first. */
export function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k}×${v}`)
    .join('  ');
}
