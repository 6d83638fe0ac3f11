import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';

/** Opens a service's KV bucket, creating it on first use (safe from every replica). */
export async function openBucket(nc: NatsConnection, bucket: string, opts: { replicas?: number; history?: number } = {}): Promise<KV> {
  return new Kvm(nc).create(bucket, { replicas: opts.replicas ?? 1, history: opts.history ?? 1 });
}

/** Code NATS answers when a compare-and-set finds another revision. */
const WRONG_LAST_SEQUENCE = 10071;

export function isRevisionConflict(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number }; message?: string };
  return (
    e?.api_error?.err_code === WRONG_LAST_SEQUENCE ||
    e?.code === WRONG_LAST_SEQUENCE ||
    /wrong last sequence|key exists/i.test(e?.message ?? '')
  );
}

/**
 * A JSON document in a KV bucket, checked by a zod schema on every read, written only
 * with compare-and-set on the revision it was read at.
 */
export class KvDocuments<T> {
  constructor(
    readonly kv: KV,
    private readonly schema: z.ZodType<T>,
  ) {}

  async get(key: string): Promise<{ value: T; revision: number } | null> {
    const e = await this.kv.get(key);
    if (!e || e.operation !== 'PUT' || e.length === 0) return null;
    return { value: this.schema.parse(e.json()), revision: e.revision };
  }

  /** Writes a new key; resolves false (and writes nothing) when the key exists. */
  async create(key: string, value: T): Promise<boolean> {
    try {
      await this.kv.create(key, JSON.stringify(this.schema.parse(value)));
      return true;
    } catch (err) {
      if (isRevisionConflict(err)) return false;
      throw err;
    }
  }

  /**
   * Read, decide, write with compare-and-set, and again on a conflict. `decide` gets the
   * current value (or null) and returns the next value with what to answer, or only
   * an answer to write nothing.
   */
  async update<R>(
    key: string,
    decide: (current: T | null) => { next?: T; result: R },
    maxAttempts = 50,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(key);
      const { next, result } = decide(current?.value ?? null);
      if (next === undefined) return result;
      const data = JSON.stringify(this.schema.parse(next));
      try {
        if (current) await this.kv.update(key, data, current.revision);
        else await this.kv.create(key, data);
        return result;
      } catch (err) {
        if (!isRevisionConflict(err) || attempt >= maxAttempts) throw err;
        // someone else wrote in between: read again and decide again
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, attempt * 2)));
      }
    }
  }

  async *keys(): AsyncGenerator<string> {
    const it = await this.kv.keys();
    for await (const k of it) yield k;
  }
}
