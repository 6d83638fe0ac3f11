import type { KV } from '@nats-io/kv';
import { isRevisionConflict } from '@bitcraps/messaging';
import { SagaConflictError, TERMINAL, type SagaState, type SagaStore } from '@bitcraps/saga';

/**
 * Sagas in the orchestrator's KV bucket `sagas`, one key per saga, every write a
 * compare-and-set on the revision it was read at (DESIGN.md section 3).
 */
export class KvSagaStore implements SagaStore {
  constructor(private readonly kv: KV) {}

  async create<C>(state: SagaState<C>): Promise<number> {
    try {
      return await this.kv.create(state.sagaId, JSON.stringify(state));
    } catch (err) {
      if (isRevisionConflict(err)) throw new SagaConflictError(state.sagaId);
      throw err;
    }
  }

  async load<C>(sagaId: string): Promise<{ state: SagaState<C>; revision: number } | null> {
    const e = await this.kv.get(sagaId);
    if (!e || e.operation !== 'PUT' || e.length === 0) return null;
    return { state: e.json<SagaState<C>>(), revision: e.revision };
  }

  async save<C>(state: SagaState<C>, revision: number): Promise<number> {
    try {
      return await this.kv.update(state.sagaId, JSON.stringify(state), revision);
    } catch (err) {
      if (isRevisionConflict(err)) throw new SagaConflictError(state.sagaId);
      throw err;
    }
  }

  /** Scans every saga: fine at start-up; terminal sagas are skipped. */
  async unfinished(): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of await this.kv.keys()) {
      const e = await this.kv.get(key);
      if (!e || e.operation !== 'PUT' || e.length === 0) continue;
      if (!TERMINAL.has(e.json<SagaState<unknown>>().status)) ids.push(key);
    }
    return ids;
  }
}
