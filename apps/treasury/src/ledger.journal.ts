import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { LEDGER_STREAM, LedgerEntrySchema, ledgerEntryId, ledgerSubject, type LedgerEntry } from '@bitcraps/contracts';
import { isRevisionConflict, openBucket } from '@bitcraps/messaging';
import { Ledger } from './domain/ledger';
import { decideSeed, type Decision } from './domain/planning';
import { AccountsProjection } from './accounts.projection';
import { ensureLedgerStream } from './ledger.stream';
import type { TreasuryConfig } from './config';

const decoder = new TextDecoder();

function parseEntry(data: Uint8Array | string): LedgerEntry | null {
  try {
    const parsed = LedgerEntrySchema.safeParse(JSON.parse(typeof data === 'string' ? data : decoder.decode(data)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The books of this replica: LEDGER folded in memory, kept current by an ordered
 * consumer that tails the stream, and written through to KV `accounts`.
 *
 * Appending is an optimistic lock on the whole stream: a decision is taken on the
 * books as of sequence N and published with `expect.lastSequence = N`, so it lands
 * only if nobody appended in between. Otherwise (another replica was first) the books
 * catch up and the command decides again. Within one replica, commands take turns, so
 * only replicas ever race. With any number of replicas, every entry is decided on the
 * books exactly as they stand before it, which is what keeps stacks from overdrawing
 * and the exposure check exact. The entry's id is also its `Nats-Msg-Id`, and the fold
 * applies an id once, for the rare case two identical decisions race in the window.
 */
export class LedgerJournal implements OnApplicationShutdown {
  private readonly logger = new Logger('LedgerJournal');
  readonly ledger = new Ledger();
  private messages?: ConsumerMessages;
  private tailing?: Promise<void>;
  private stopping = false;
  private turn: Promise<unknown> = Promise.resolve();
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private backgroundFlush?: NodeJS.Timeout;
  /** Entries this replica appended, and appends that lost the race to another replica. */
  appended = 0;
  conflicts = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly projection: AccountsProjection,
    private readonly syncTimeoutMs: number,
  ) {}

  /**
   * Ready to serve: LEDGER exists, the books hold all of it, the bankroll is seeded
   * (once across all starts and replicas), and KV `accounts` is written.
   */
  static async open(nc: NatsConnection, config: TreasuryConfig): Promise<LedgerJournal> {
    const jsm = await jetstreamManager(nc);
    await ensureLedgerStream(jsm, config.STREAM_REPLICAS);
    const kv = await openBucket(nc, 'accounts', { replicas: config.STREAM_REPLICAS });
    const journal = new LedgerJournal(nc, jetstream(nc), jsm, new AccountsProjection(kv), config.LEDGER_SYNC_TIMEOUT_MS);
    journal.tailing = journal.tail();
    await journal.syncToHead();
    await journal.execute((l) => decideSeed(l, config.HOUSE_BANKROLL, new Date().toISOString()));
    await journal.projection.flush();
    return journal;
  }

  /** Follows LEDGER from the next unfolded sequence, for as long as the service runs. */
  private async tail(): Promise<void> {
    while (!this.stopping && !this.nc.isClosed()) {
      try {
        const consumer = await this.js.consumers.get(LEDGER_STREAM.name, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: this.ledger.lastSequence + 1,
        });
        this.messages = await consumer.consume({ max_messages: 1_000 });
        for await (const m of this.messages) this.fold(m.seq, parseEntry(m.data));
      } catch (err) {
        if (this.stopping || this.nc.isClosed()) return;
        this.logger.warn(`tailing LEDGER failed, resuming: ${(err as Error).message}`);
      }
      if (!this.stopping && !this.nc.isClosed()) await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Folds one stored entry (from the tail or from our own append, whichever comes first). */
  private fold(seq: number, entry: LedgerEntry | null) {
    if (seq <= this.ledger.lastSequence) return { result: 'stale' as const };
    if (!entry) {
      this.logger.error(`LEDGER message ${seq} is no ledger entry; skipped`);
      this.ledger.skip(seq);
      this.advanced([]);
      return { result: 'rejected' as const, reason: 'not a ledger entry' };
    }
    const outcome = this.ledger.apply(seq, entry);
    if (outcome.result === 'rejected') this.logger.error(`LEDGER entry ${seq} (${ledgerEntryId(entry)}) refused by the fold: ${outcome.reason}`);
    this.advanced(outcome.result === 'applied' ? outcome.touched : []);
    return outcome;
  }

  /** The books moved to a new sequence: KV `accounts` follows (the summary always, since its sequence moved), waiters wake. */
  private advanced(touched: string[]): void {
    this.projection.touched(this.ledger, touched);
    this.scheduleFlush();
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const seq = this.ledger.lastSequence;
    const ready = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of ready) w.resolve();
  }

  /** Resolves once the books hold sequence `seq`. */
  private reach(seq: number): Promise<void> {
    if (this.ledger.lastSequence >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { seq, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`LEDGER did not reach sequence ${seq} within ${this.syncTimeoutMs} ms (at ${this.ledger.lastSequence})`));
      }, this.syncTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Brings the books up to everything LEDGER holds now: reads after it see every completed command. */
  async syncToHead(): Promise<void> {
    const info = await this.jsm.streams.info(LEDGER_STREAM.name);
    await this.reach(info.state.last_seq);
  }

  /**
   * Decides and appends until the decision is an answer (see domain/planning.ts). One
   * command at a time per replica; replicas race through the optimistic lock.
   */
  execute<R>(decide: (ledger: Ledger) => Decision<R>): Promise<R> {
    const run = this.turn.then(() => this.decideAndAppend(decide));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async decideAndAppend<R>(decide: (ledger: Ledger) => Decision<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 10_000) throw new Error('a command kept deciding without an answer');
      const decision = decide(this.ledger);
      if ('reply' in decision) return decision.reply;
      const expected = this.ledger.lastSequence;
      const data = JSON.stringify(decision.append);
      const id = ledgerEntryId(decision.append);
      let ack;
      try {
        ack = await this.js.publish(ledgerSubject(decision.append), data, { msgID: id, expect: { lastSequence: expected } });
      } catch (err) {
        if (!isRevisionConflict(err)) throw err; // an outage: the command is redelivered and decides again
        this.conflicts++;
        await this.syncToHead();
        continue;
      }
      if (ack.duplicate || ack.seq !== expected + 1) {
        // the same entry is already stored (an identical decision won): fold up to it and decide again
        await this.reach(ack.seq);
        continue;
      }
      this.appended++;
      const outcome = this.fold(ack.seq, parseEntry(data));
      const stored = this.ledger.entry(id);
      if (outcome.result !== 'applied' && stored?.seq !== ack.seq) {
        throw new Error(`the fold refused entry ${id} at ${ack.seq}: ${JSON.stringify(outcome)}`);
      }
    }
  }

  /** Runs a command and writes what it changed to KV `accounts` before answering. */
  async run<R>(decide: (ledger: Ledger) => Decision<R>): Promise<R> {
    const reply = await this.execute(decide);
    await this.projection.flush();
    return reply;
  }

  /** Entries folded from other replicas reach KV soon, even when this replica gets no command. */
  private scheduleFlush(): void {
    if (this.backgroundFlush || this.stopping) return;
    this.backgroundFlush = setTimeout(() => {
      this.backgroundFlush = undefined;
      this.projection.flush().catch((err) => this.logger.warn(`writing KV accounts failed, will retry: ${(err as Error).message}`));
    }, 50);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.backgroundFlush) clearTimeout(this.backgroundFlush);
    this.backgroundFlush = undefined;
    await this.messages?.close().catch(() => undefined);
    await this.tailing?.catch(() => undefined);
    if (!this.nc.isClosed()) await this.projection.flush().catch(() => undefined);
  }
}
