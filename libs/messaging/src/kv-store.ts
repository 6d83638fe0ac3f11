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

const FREEZE_CACHED = process.env.NODE_ENV === 'test';

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const child of Object.values(v)) deepFreeze(child);
}

export interface KvDocumentsOptions {
  /**
   * Bytes (of JSON) of documents `update` keeps in memory as it last wrote them (with their
   * revision), to try its next compare-and-set on the same key without reading first.
   * 0 (the default): every update reads. See `update`.
   */
  cacheBytes?: number;
}

export interface UpdateOptions<R> {
  /** Compare-and-set attempts before the conflict is thrown (50). */
  maxAttempts?: number;
  /** Runs before each write attempt with the answer decided (to persist what the write drops). */
  beforeWrite?: (result: R) => Promise<void>;
  /** Told of every lost compare-and-set (a metric). */
  onConflict?: () => void;
}

interface Cached<T> {
  value: T;
  revision: number;
  bytes: number;
}

/**
 * A JSON document in a KV bucket, checked by a zod schema on every read, written only
 * with compare-and-set on the revision it was read at.
 */
export class KvDocuments<T> {
  private readonly cache = new Map<string, Cached<T>>();
  private cachedBytes = 0;
  private readonly cacheLimit: number;

  constructor(
    readonly kv: KV,
    private readonly schema: z.ZodType<T>,
    opts: KvDocumentsOptions = {},
  ) {
    this.cacheLimit = opts.cacheBytes ?? 0;
  }

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
   * an answer to write nothing. `decide` must not change the value it is given.
   *
   * With a cache, the first attempt decides on the document as this process last wrote
   * it, and skips the read: the compare-and-set proves it was current (another
   * writer in between makes it fail, and the update starts over from a fresh read). An
   * answer that writes nothing proves nothing, so it is decided again on a fresh read.
   */
  async update<R>(
    key: string,
    decide: (current: T | null) => { next?: T; result: R },
    opts: UpdateOptions<R> = {},
  ): Promise<R> {
    const maxAttempts = opts.maxAttempts ?? 50;
    let remembered = this.cache.get(key);
    for (let attempt = 1; ; attempt++) {
      const fromCache = remembered !== undefined;
      const current = remembered ?? (await this.get(key));
      remembered = undefined;
      let decided: { next?: T; result: R };
      try {
        decided = decide(current?.value ?? null);
      } catch (err) {
        this.forget(key);
        throw err;
      }
      const { next, result } = decided;
      if (next === undefined) {
        if (fromCache) {
          attempt--; // the copy proved nothing: decide again on a fresh read, not a new attempt
          continue;
        }
        return result;
      }
      const parsed = this.schema.parse(next);
      const data = JSON.stringify(parsed);
      if (opts.beforeWrite) {
        try {
          await opts.beforeWrite(result);
        } catch (err) {
          this.forget(key);
          throw err;
        }
      }
      try {
        const revision = current ? await this.kv.update(key, data, current.revision) : await this.kv.create(key, data);
        this.remember(key, parsed, revision, data.length);
        return result;
      } catch (err) {
        this.forget(key);
        if (!isRevisionConflict(err) || attempt >= maxAttempts) throw err;
        opts.onConflict?.();
        // someone else wrote in between: read again and decide again
        if (!fromCache) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, attempt * 2)));
      }
    }
  }

  /** The document as this process last wrote it (with a cache), which may be stale; undefined when not kept. */
  cached(key: string): T | undefined {
    return this.cache.get(key)?.value;
  }

  private remember(key: string, value: T, revision: number, bytes: number): void {
    if (this.cacheLimit <= 0) return;
    this.forget(key);
    if (bytes > this.cacheLimit / 4) return;
    // under test, a decide that changes what it is given throws instead of corrupting the cache
    if (FREEZE_CACHED) deepFreeze(value);
    this.cache.set(key, { value, revision, bytes });
    this.cachedBytes += bytes;
    // oldest first: a Map iterates in insertion order, and a remembered key is re-inserted
    for (const [k, c] of this.cache) {
      if (this.cachedBytes <= this.cacheLimit) break;
      this.cache.delete(k);
      this.cachedBytes -= c.bytes;
    }
  }

  private forget(key: string): void {
    const c = this.cache.get(key);
    if (!c) return;
    this.cache.delete(key);
    this.cachedBytes -= c.bytes;
  }

  async *keys(): AsyncGenerator<string> {
    const it = await this.kv.keys();
    for await (const k of it) yield k;
  }
}
