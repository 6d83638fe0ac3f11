import type { RedisTimeouts } from '@bitcraps/service-kit';
import type { DeadlinePort } from '@bitcraps/saga';

export const SAGA_STEP_KIND = 'saga-step';

/** Sagas whose armed deadline this replica remembers; past it the memory starts over. */
const REMEMBERED = 10_000;

/**
 * A saga step's deadline as a Redis timeout (DESIGN.md section 7): if the replica that
 * sent the step dies, any replica's sweeper finds the deadline passed and resumes the
 * saga. `graceMs` leaves the live driver time to notice its own timeout first.
 *
 * A deadline is armed `slackMs` later than needed and not armed again while it still
 * covers the step being sent: a saga of several quick steps costs one Redis write
 * instead of one per step, and a dead replica's saga is resumed at most `slackMs` later.
 */
export class RedisDeadlines implements DeadlinePort {
  private readonly armed = new Map<string, number>();

  constructor(
    private readonly timeouts: RedisTimeouts,
    private readonly graceMs: number,
    private readonly slackMs = 0,
  ) {}

  async arm(sagaId: string, atMs: number): Promise<void> {
    const needed = atMs + this.graceMs;
    if ((this.armed.get(sagaId) ?? -Infinity) >= needed) return;
    const at = needed + this.slackMs;
    try {
      await this.timeouts.arm(SAGA_STEP_KIND, sagaId, at);
      if (this.armed.size >= REMEMBERED) this.armed.clear();
      this.armed.set(sagaId, at);
    } catch {
      // Redis down: the stale scan covers it
    }
  }

  async disarm(sagaId: string): Promise<void> {
    this.armed.delete(sagaId);
    await this.timeouts.disarm(SAGA_STEP_KIND, sagaId).catch(() => undefined);
  }

  /** Forgets what was armed for a saga (its deadline fired, or another replica took it). */
  forget(sagaId: string): void {
    this.armed.delete(sagaId);
  }
}
