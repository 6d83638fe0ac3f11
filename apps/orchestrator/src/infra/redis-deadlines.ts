import type { RedisTimeouts } from '@bitcraps/service-kit';
import type { DeadlinePort } from '@bitcraps/saga';

export const SAGA_STEP_KIND = 'saga-step';

/**
 * A saga step's deadline as a Redis timeout (DESIGN.md section 7): if the replica that
 * sent the step dies, any replica's sweeper finds the deadline passed and resumes the
 * saga. `graceMs` leaves the live driver time to notice its own timeout first.
 */
export class RedisDeadlines implements DeadlinePort {
  constructor(
    private readonly timeouts: RedisTimeouts,
    private readonly graceMs: number,
  ) {}

  async arm(sagaId: string, atMs: number): Promise<void> {
    await this.timeouts.arm(SAGA_STEP_KIND, sagaId, atMs + this.graceMs).catch(() => undefined); // Redis down: the stale scan covers it
  }

  async disarm(sagaId: string): Promise<void> {
    await this.timeouts.disarm(SAGA_STEP_KIND, sagaId).catch(() => undefined);
  }
}
