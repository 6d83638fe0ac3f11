import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Counter } from 'prom-client';
import { KvDocuments, openBucket } from '@bitcraps/messaging';
import { NATS_CONNECTION, SERVICE_CONFIG, SERVICE_METRICS } from '@bitcraps/service-kit';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import { AccountSchema, type Account } from './domain/account';
import type { PlayerConfig } from './config';

/** Compare-and-set attempts on one account before giving up (the command is then redelivered). */
const MAX_ATTEMPTS = 50;
/** Accounts read at once by a scan. */
const SCAN_PARALLELISM = 64;

/** Accounts in the player service's own KV bucket `players`, one key per player. */
@Injectable()
export class AccountsStore implements OnModuleInit {
  private docs!: KvDocuments<Account>;
  private readonly conflicts: Counter;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: PlayerConfig,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
  ) {
    this.conflicts = new Counter({
      name: 'bitcraps_player_account_cas_conflicts_total',
      help: 'Account writes that lost a compare-and-set race and were decided again',
      registers: [metrics.registry],
    });
  }

  async onModuleInit(): Promise<void> {
    this.docs = new KvDocuments(await openBucket(this.nc, 'players', { replicas: this.config.STREAM_REPLICAS }), AccountSchema);
  }

  get(playerId: string) {
    return this.docs.get(playerId).then((d) => d?.value ?? null);
  }

  /** The account with its KV revision (tests and diagnostics). */
  getWithRevision(playerId: string) {
    return this.docs.get(playerId);
  }

  /** Writes a new account; false when one with this id exists already. */
  create(account: Account) {
    return this.docs.create(account.playerId, account);
  }

  /**
   * Read, decide, compare-and-set; on a conflict (another replica or delivery wrote in
   * between) read and decide again. `beforeWrite` runs before each write attempt (the
   * wallet uses it to persist what the write is about to drop). Resolves null, writing
   * nothing, when there is no such account.
   */
  async update<R>(
    playerId: string,
    decide: (current: Account) => { next?: Account; result: R },
    beforeWrite?: (result: R) => Promise<void>,
  ): Promise<R | null> {
    const decided = await this.docs.update<{ result: R } | null>(
      playerId,
      (current) => {
        if (!current) return { result: null };
        const { next, result } = decide(current);
        return { next, result: { result } };
      },
      {
        maxAttempts: MAX_ATTEMPTS,
        beforeWrite: beforeWrite && (async (d) => beforeWrite(d!.result)),
        onConflict: () => this.conflicts.inc(),
      },
    );
    return decided ? decided.result : null;
  }

  /**
   * Every account, read key by key: one KV read per player (SCAN_PARALLELISM at a time),
   * so O(players) round trips and memory for the key list. Fine for an audit at
   * quiescence; not a snapshot (accounts written during the scan may be seen before or
   * after their change).
   */
  async forEach(visit: (account: Account) => void): Promise<void> {
    const keys: string[] = [];
    for await (const k of this.docs.keys()) keys.push(k);
    for (let i = 0; i < keys.length; i += SCAN_PARALLELISM) {
      const batch = await Promise.all(keys.slice(i, i + SCAN_PARALLELISM).map((k) => this.get(k)));
      for (const account of batch) if (account) visit(account);
    }
  }
}
