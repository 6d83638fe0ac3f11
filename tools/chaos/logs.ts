import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Replica } from '../bench/harness/stack';

/**
 * Keeps what every service process printed (warnings and errors; LOG_LEVEL=warn) in one
 * file per replica, across its kills and restarts: a process only holds its output
 * since its last start, so it is saved before each kill and at the end.
 */
export class ProcessLogs {
  readonly dir: string;

  constructor(seed: string) {
    this.dir = join(tmpdir(), `bitcraps-chaos-${seed.replace(/[^\w-]/g, '_')}-${Date.now()}`);
    mkdirSync(this.dir, { recursive: true });
  }

  save(r: Replica, why: string): void {
    const header = `\n----- ${new Date().toISOString()} ${why} (pid ${r.proc.pid}) -----\n`;
    appendFileSync(join(this.dir, `${r.service}-${r.index}.log`), header + r.proc.output);
  }

  /** Lines at level error or fatal in everything saved for one replica. */
  static errorLines(output: string): string[] {
    return output.split('\n').filter((l) => /"level":(50|60)/.test(l) || /\bFAILED\b|Unhandled|unhandled/.test(l));
  }
}
