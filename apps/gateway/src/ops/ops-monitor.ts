import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CreateGame, GetGame, GetTreasuryAudit, GetWalletTotals, ListSagas, STREAMS } from '@bitcraps/contracts';
import { Semaphore, type JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, NATS_CONNECTION, SERVICE_CONFIG } from '@bitcraps/service-kit';
import { assembleAudit } from '../admin/audit';
import type { GatewayConfig } from '../config';
import { MAX_TABLES, SagaWatch, toOpsTable, TrackedGames, type OpsSnapshot, type OpsTable } from './ops-view';

/** At most one snapshot pushed per this many ms, however fast EVT moves. */
export const PUSH_INTERVAL_MS = 250;
/**
 * A snapshot at least this often while someone watches, EVT moving or not: a saga held on
 * a step retries without publishing anything, and the page must still show its attempts
 * grow and the saga turn stuck.
 */
export const REFRESH_MS = 2_000;
/**
 * How long one snapshot waits for a service: a service that does not answer by then is
 * shown as a problem. A snapshot in flight holds the next one back, so waiting the whole
 * REQUEST_TIMEOUT_MS on a service that stopped mid-query froze the live view that long.
 */
export const READ_TIMEOUT_MS = 5_000;
/** GetGame reads in flight at once while a snapshot is assembled. */
const READS_AT_ONCE = 16;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const bodyOf = (m: { json(): unknown }): unknown => {
  try {
    return m.json();
  } catch {
    return null;
  }
};

/**
 * What the operator view reads, shared by every request of this gateway replica. It
 * starts on the first operator request (a gateway nobody watches reads nothing extra):
 * an ordered consumer on `evt.lifecycle.game-created` from the start of EVT keeps the
 * list of games (the gateway owns no data and reads no other service's KV), and while
 * a view is open, an ordered consumer on `evt.>` from now tells it EVT moved. A
 * snapshot is GetGame per tracked game plus ListSagas and the audit queries; snapshots
 * asked for at the same time share one read.
 */
@Injectable()
export class OpsMonitor implements OnModuleDestroy {
  private readonly logger = new Logger('ops');
  private readonly games = new TrackedGames();
  private readonly watch: SagaWatch;
  private gamesReady: Promise<void> | null = null;
  private gamesFeed: ConsumerMessages | null = null;
  private movesFeed: ConsumerMessages | null = null;
  private movesStarting: Promise<void> | null = null;
  private readonly listeners = new Set<(s: OpsSnapshot) => void>();
  private inFlight: Promise<OpsSnapshot> | null = null;
  private pushTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | undefined;
  private lastPush = 0;
  private dirty = false;
  private closed = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.watch = new SagaWatch(config.OPS_STUCK_AFTER_MS);
  }

  /** A fresh snapshot (shared with any read already under way). */
  snapshot(): Promise<OpsSnapshot> {
    if (!this.inFlight) {
      this.inFlight = this.read().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /**
   * Calls `listener` with a fresh snapshot whenever EVT moves, and at least every REFRESH_MS; at most every
   * PUSH_INTERVAL_MS. Returns the unsubscribe function; the EVT feed stops with the last one.
   */
  async subscribe(listener: (s: OpsSnapshot) => void): Promise<() => void> {
    this.listeners.add(listener);
    this.refreshTimer ??= setInterval(() => this.moved(), REFRESH_MS);
    await this.startMoves();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopRefresh();
        this.stopMoves();
      }
    };
  }

  private stopRefresh(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stopRefresh();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.stopMoves();
    await this.gamesFeed?.close().catch(() => undefined);
  }

  private async read(): Promise<OpsSnapshot> {
    // what the snapshot shows is no older than this
    const at = new Date().toISOString();
    await this.trackGames();
    const t = Math.min(this.config.REQUEST_TIMEOUT_MS, READ_TIMEOUT_MS);
    const problems: string[] = [];
    const [wallets, treasury, sagas] = await Promise.allSettled([
      this.bus.query(GetWalletTotals, {}, { timeoutMs: t }),
      this.bus.query(GetTreasuryAudit, {}, { timeoutMs: t }),
      this.bus.query(ListSagas, { unfinishedOnly: true }, { timeoutMs: t }),
    ]);
    const ok = <R extends { ok: boolean }>(what: string, r: PromiseSettledResult<R>): Extract<R, { ok: true }> | null => {
      if (r.status === 'rejected') problems.push(`${what}: ${errorText(r.reason)}`);
      else if (!r.value.ok) problems.push(`${what}: ${JSON.stringify(r.value)}`);
      else return r.value as Extract<R, { ok: true }>;
      return null;
    };
    const w = ok('wallet totals (player)', wallets);
    const tr = ok('treasury audit', treasury);
    const sg = ok('sagas (orchestrator)', sagas);
    const tables = await this.readTables(problems);
    return {
      at,
      stuckAfterMs: this.config.OPS_STUCK_AFTER_MS,
      tables,
      sagas: sg ? this.watch.observe(sg.sagas, Date.now()) : [],
      audit: w && tr && sg ? assembleAudit(w, tr.audit, sg.sagas.length) : null,
      problems,
    };
  }

  private async readTables(problems: string[]): Promise<OpsTable[]> {
    const ids = this.games.list();
    const shown = ids.slice(0, MAX_TABLES);
    if (ids.length > shown.length) problems.push(`${ids.length - shown.length} more open tables not shown (at most ${MAX_TABLES})`);
    const gate = new Semaphore(READS_AT_ONCE);
    const read = async (gameId: string): Promise<OpsTable | null> => {
      await gate.acquire();
      try {
        const reply = await this.bus.query(GetGame, { gameId }, { timeoutMs: Math.min(this.config.REQUEST_TIMEOUT_MS, READ_TIMEOUT_MS) });
        if (!reply.ok) {
          // gone: stop tracking it
          if (reply.code === 'GAME_NOT_FOUND') this.games.forget(gameId);
          else problems.push(`game ${gameId}: ${reply.code}`);
          return null;
        }
        if (reply.game.status === 'closed') {
          this.games.forget(gameId);
          return null;
        }
        return toOpsTable(reply.game);
      } catch (err) {
        problems.push(`game ${gameId}: ${errorText(err)}`);
        return null;
      } finally {
        gate.release();
      }
    };
    return (await Promise.all(shown.map(read))).filter((t): t is OpsTable => t !== null);
  }

  /**
   * Starts the games feed once and waits until it has caught up with EVT (bounded by
   * the request timeout, so a snapshot never hangs on it).
   */
  private trackGames(): Promise<void> {
    if (!this.gamesReady) {
      this.gamesReady = this.startGamesFeed().catch((err) => {
        this.gamesReady = null; // try again with the next snapshot
        throw err;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.config.REQUEST_TIMEOUT_MS);
    });
    return Promise.race([this.gamesReady, deadline]).finally(() => clearTimeout(timer));
  }

  private async startGamesFeed(): Promise<void> {
    // nats-server 2.9 takes one filter per consumer; closed games drop out when read (GetGame).
    const consumer = await jetstream(this.nc).consumers.get(STREAMS.events.name, {
      filter_subjects: CreateGame.replySubject,
      deliver_policy: DeliverPolicy.All,
    });
    const pending = (await consumer.info(true)).num_pending;
    const feed = await consumer.consume({ max_messages: 512 });
    this.gamesFeed = feed;
    let caughtUp!: () => void;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (pending === 0) caughtUp();
    void (async () => {
      for await (const m of feed) {
        if (this.games.apply(m.subject, bodyOf(m))) this.moved();
        if (m.info.pending === 0) caughtUp();
      }
    })().catch((err) => this.logger.warn(`games feed stopped: ${errorText(err)}`));
    return ready;
  }

  private startMoves(): Promise<void> {
    if (this.movesFeed) return Promise.resolve();
    if (!this.movesStarting) {
      this.movesStarting = (async () => {
        const consumer = await jetstream(this.nc).consumers.get(STREAMS.events.name, { deliver_policy: DeliverPolicy.New });
        const feed = await consumer.consume({ max_messages: 512 });
        if (this.listeners.size === 0 || this.closed) {
          await feed.close().catch(() => undefined);
          return;
        }
        this.movesFeed = feed;
        void (async () => {
          for await (const m of feed) {
            // a closed game leaves the tables at once
            this.games.apply(m.subject, bodyOf(m));
            this.moved();
          }
        })().catch((err) => this.logger.warn(`EVT feed stopped: ${errorText(err)}`));
      })().finally(() => {
        this.movesStarting = null;
      });
    }
    return this.movesStarting;
  }

  private stopMoves(): void {
    const feed = this.movesFeed;
    this.movesFeed = null;
    void feed?.close().catch(() => undefined);
  }

  /** EVT moved: push a snapshot now, or when PUSH_INTERVAL_MS has passed since the last. */
  private moved(): void {
    if (this.listeners.size === 0 || this.closed) return;
    this.dirty = true;
    if (this.pushTimer) return;
    const wait = Math.max(0, this.lastPush + PUSH_INTERVAL_MS - Date.now());
    this.pushTimer = setTimeout(() => void this.push(), wait);
  }

  private async push(): Promise<void> {
    this.dirty = false;
    this.lastPush = Date.now();
    try {
      // a read of its own: one already under way may have started before EVT moved
      const snap = await this.read();
      for (const l of [...this.listeners]) l(snap);
    } catch (err) {
      this.logger.warn(`ops snapshot failed: ${errorText(err)}`);
    } finally {
      this.pushTimer = null;
      // what moved while this snapshot was read goes out with the next one
      if (this.dirty) this.moved();
    }
  }
}
