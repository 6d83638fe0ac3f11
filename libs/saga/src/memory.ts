import { SagaConflictError, type SagaStore } from './ports';
import type { SagaState } from './types';
import { TERMINAL } from './types';

/** A SagaStore in memory with the same compare-and-set rule as the KV one (tests, simulation). */
export class InMemorySagaStore implements SagaStore {
  private readonly data = new Map<string, { json: string; revision: number }>();
  private seq = 0;

  async create<C>(state: SagaState<C>): Promise<number> {
    if (this.data.has(state.sagaId)) throw new SagaConflictError(state.sagaId);
    const revision = ++this.seq;
    this.data.set(state.sagaId, { json: JSON.stringify(state), revision });
    return revision;
  }

  async load<C>(sagaId: string) {
    const e = this.data.get(sagaId);
    return e ? { state: JSON.parse(e.json) as SagaState<C>, revision: e.revision } : null;
  }

  async save<C>(state: SagaState<C>, revision: number): Promise<number> {
    const e = this.data.get(state.sagaId);
    if (!e || e.revision !== revision) throw new SagaConflictError(state.sagaId);
    const next = ++this.seq;
    this.data.set(state.sagaId, { json: JSON.stringify(state), revision: next });
    return next;
  }

  async unfinished(): Promise<string[]> {
    return [...this.data.entries()].filter(([, e]) => !TERMINAL.has((JSON.parse(e.json) as SagaState<unknown>).status)).map(([id]) => id);
  }
}
