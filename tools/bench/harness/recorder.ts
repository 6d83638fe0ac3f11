import { errorCode, outcomeLabel, type HttpAnswer } from './http';
import { summarize, type LatencySummary } from './stats';

/**
 * Counts every answer by kind (`join`, `bet`…) and outcome (`200`, `409 GAME_FULL`,
 * `net ECONNRESET`), keeps the latencies of successes, and remembers a few examples of
 * unexpected answers for the report.
 */
export class Recorder {
  private readonly outcomes = new Map<string, Map<string, number>>();
  private readonly latencies = new Map<string, number[]>();
  readonly unexpected: Array<{ kind: string; label: string; body: unknown }> = [];
  unexpectedCount = 0;
  /** One example body per kind and outcome that is not a success (for reports). */
  readonly examples = new Map<string, unknown>();

  /**
   * @param expected refusal codes that are normal answers for this workload (not errors)
   * @param networkErrorsExpected no answer at all is normal too (a chaos run kills gateways)
   */
  constructor(
    private readonly expected: ReadonlySet<string> = new Set(),
    private readonly networkErrorsExpected = false,
  ) {}

  /**
   * Records an answer; true when it counts as an error (not a 2xx, not an expected
   * refusal). Only successes (by default 200 and 201; a 202 is an answer whose saga had
   * not ended yet) add their latency, `latencyMs` when given.
   */
  record(kind: string, answer: HttpAnswer, opts: { latencyMs?: number; success?: boolean } = {}): boolean {
    const label = outcomeLabel(answer);
    const byKind = this.outcomes.get(kind) ?? new Map<string, number>();
    byKind.set(label, (byKind.get(label) ?? 0) + 1);
    this.outcomes.set(kind, byKind);
    const success = opts.success ?? (answer.status === 200 || answer.status === 201);
    if (success) {
      const l = this.latencies.get(kind) ?? [];
      l.push(opts.latencyMs ?? answer.ms);
      this.latencies.set(kind, l);
      return false;
    }
    if (!this.examples.has(`${kind} ${label}`)) this.examples.set(`${kind} ${label}`, answer.body ?? answer.error);
    if (answer.status >= 200 && answer.status < 300) return false;
    if (answer.status === 0 && this.networkErrorsExpected) return false;
    const code = errorCode(answer);
    if (code && this.expected.has(code)) return false;
    this.unexpectedCount++;
    if (this.unexpected.length < 20) this.unexpected.push({ kind, label, body: answer.body ?? answer.error });
    return true;
  }

  /** Adds another recorder's counts, latencies and examples to this one. */
  absorb(other: Recorder): void {
    for (const [kind, m] of other.outcomes) {
      const mine = this.outcomes.get(kind) ?? new Map<string, number>();
      for (const [label, n] of m) mine.set(label, (mine.get(label) ?? 0) + n);
      this.outcomes.set(kind, mine);
    }
    for (const [kind, l] of other.latencies) this.latencies.set(kind, [...(this.latencies.get(kind) ?? []), ...l]);
    this.unexpected.push(...other.unexpected.slice(0, Math.max(0, 20 - this.unexpected.length)));
    this.unexpectedCount += other.unexpectedCount;
  }

  latency(kind: string): LatencySummary {
    return summarize(this.latencies.get(kind) ?? []);
  }

  /** Successful answers of a kind. */
  ok(kind: string): number {
    return this.latencies.get(kind)?.length ?? 0;
  }

  byKind(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [kind, m] of this.outcomes) out[kind] = Object.fromEntries(m);
    return out;
  }
}
