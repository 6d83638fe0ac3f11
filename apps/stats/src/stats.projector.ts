import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Gauge } from 'prom-client';
import { HEADER, STREAMS } from '@bitcraps/contracts';
import { ensureStreams, inMessageSpan } from '@bitcraps/messaging';
import { NATS_CONNECTION, SERVICE_CONFIG, SERVICE_METRICS } from '@bitcraps/service-kit';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import { emptyStats, figures, fold, isCurrentState, totalPot, type StatsState } from './domain/projection';
import { toStatsFact } from './event-mapping';
import { CheckpointStore, type LoadedCheckpoint } from './checkpoint-store';
import type { StatsConfig } from './config';

/** The checkpoint's state if this version of the fold can resume it, else null (fold again from the first event). */
export function resumable(saved: LoadedCheckpoint): StatsState | null {
  return saved.state && isCurrentState(saved.state) ? saved.state : null;
}

/** Folds EVT from `fromSeq` (exclusive) into `state` until `untilSeq`, or forever when omitted. */
export async function foldEvents(
  nc: NatsConnection,
  state: StatsState,
  opts: { untilSeq?: number; onEvent?: (s: StatsState) => void; signal?: { messages?: ConsumerMessages } } = {},
): Promise<StatsState> {
  if (opts.untilSeq !== undefined) {
    // never wait for events the stream does not have
    const { state: stream } = await (await jetstreamManager(nc)).streams.info(STREAMS.events.name);
    opts = { ...opts, untilSeq: Math.min(opts.untilSeq, stream.last_seq) };
    if (state.lastSeq >= opts.untilSeq!) return state;
  }
  const js = jetstream(nc);
  const consumer = await js.consumers.get(STREAMS.events.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: state.lastSeq + 1 });
  const messages = await consumer.consume();
  if (opts.signal) opts.signal.messages = messages;
  for await (const m of messages) {
    let body: unknown = null;
    try {
      body = m.json();
    } catch {
      // not JSON: no fact, but the position still moves
    }
    const fact = toStatsFact(m.subject, body, {
      gameId: m.headers?.get(HEADER.orderingKey) || undefined,
      correlationId: m.headers?.get(HEADER.correlationId) || undefined,
    });
    // each folded event in a span of the trace that published it (DESIGN.md section 10)
    if (fact) await inMessageSpan('stats', m, () => fold(state, { seq: m.seq, at: m.time.getTime(), fact }));
    else if (m.seq > state.lastSeq) state.lastSeq = m.seq;
    opts.onEvent?.(state);
    if (opts.untilSeq !== undefined && m.seq >= opts.untilSeq) break;
  }
  // closing from inside the loop would wait for the loop itself
  await messages.close().catch(() => undefined);
  return state;
}

/**
 * The live projection: resumes from the checkpoint in KV `stats`, folds EVT as it
 * grows, and writes the checkpoint in pieces under a head moved with compare-and-set,
 * never backwards (two replicas fold the same log to the same figures, so either may
 * write): see CheckpointStore.
 */
@Injectable()
export class StatsProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('stats');
  private state: StatsState = emptyStats();
  private checkpoints!: CheckpointStore;
  private readonly signal: { messages?: ConsumerMessages } = {};
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** The write in flight: one at a time (a large state takes longer than a tick to write). */
  private writing?: Promise<void>;
  /** A head found broken at start: the first write replaces it, whatever its position. */
  private broken?: string;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: StatsConfig,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
  ) {
    const gauge = (name: string, help: string, read: (f: ReturnType<typeof figures>) => number) =>
      new Gauge({ name: `bitcraps_${name}`, help, registers: [metrics.registry], collect() { this.set(read(figures(thisState()))); } });
    const thisState = () => this.state;
    gauge('games_total', 'Games created', (f) => f.totalGames);
    gauge('games_active', 'Open games', (f) => f.activeGames);
    gauge('rolls_total', 'Rolls applied', (f) => f.totalRolls);
    gauge('bets_total', 'Bets placed', (f) => f.totalBets);
    gauge('volume_chips_total', 'Chips staked', (f) => f.totalVolume);
    gauge('house_profit_chips', 'House profit in chips', (f) => f.houseProfit);
    gauge('largest_pot_chips', 'Largest open stakes on one table', (f) => f.largestPot);
    gauge('players_peak', 'Most players seated at once', (f) => f.peakPlayers);
    gauge('players_seated', 'Players seated across all tables', (f) => f.seatedPlayers);
    gauge('games_closed_total', 'Games closed', (f) => f.closedGames);
    gauge('games_per_second', 'Games created per second, over the span of EVT folded', (f) => f.gamesPerSecond);
    gauge('game_length_average_ms', 'Average length of a closed game, creation to close', (f) => f.averageGameLengthMs);
    gauge('stats_events_folded', 'EVT sequence folded', (f) => f.eventsFolded);
    // DESIGN.md section 10 "total pot": the open stakes of every table, from the per-game pots of the projection
    new Gauge({ name: 'bitcraps_total_pot_chips', help: 'Chips staked on open bets across all tables (the total pot)', registers: [metrics.registry], collect() { this.set(totalPot(thisState())); } });
    // distributions: one series per label value, all of them present from the start
    new Gauge({
      name: 'bitcraps_roll_outcomes_total', help: 'Bets resolved by rolls, by outcome', labelNames: ['outcome'], registers: [metrics.registry],
      collect() { for (const [outcome, n] of Object.entries(thisState().outcomes)) this.set({ outcome }, n); },
    });
    new Gauge({
      name: 'bitcraps_dice_totals_total', help: 'Rolls by dice total (2..12)', labelNames: ['total'], registers: [metrics.registry],
      collect() { for (const [total, n] of Object.entries(thisState().diceTotals)) this.set({ total }, n); },
    });
  }

  get figures() {
    return figures(this.state);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(await jetstreamManager(this.nc), { replicas: this.config.STREAM_REPLICAS });
    this.checkpoints = await CheckpointStore.open(this.nc, { replicas: this.config.STREAM_REPLICAS });
    const saved = await this.checkpoints.load();
    const state = resumable(saved);
    if (state) this.state = state;
    else if (saved.state) this.logger.warn('the checkpoint is of another version of the projection: folding EVT again from the first event');
    else if (saved.error) this.logger.warn(`the checkpoint cannot be resumed (${saved.error}): folding EVT again from the first event`);
    this.broken = saved.broken;
    // an unreadable checkpoint is replaced at the first tick, even with no new event
    if (saved.error) this.dirty = true;
    this.logger.log(`resuming the projection after EVT sequence ${this.state.lastSeq}`);
    this.timer = setInterval(() => this.writing ?? void this.checkpoint(), this.config.STATS_CHECKPOINT_MS);
    this.running = foldEvents(this.nc, this.state, { onEvent: () => (this.dirty = true), signal: this.signal }).catch((err) =>
      this.logger.error(`projection stopped: ${(err as Error).message}`),
    );
  }

  /** Writes the checkpoint unless the stored one is as far or further. */
  async checkpoint(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    // serialised before its first await: the fold goes on meanwhile
    this.writing = this.checkpoints.write(this.state, { broken: this.broken }).then(
      () => undefined,
      (err: Error) => {
        this.dirty = true;
        this.logger.warn(`checkpoint failed, will retry: ${err.message}`);
      },
    );
    await this.writing;
    this.writing = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.signal.messages?.close().catch(() => undefined);
    await this.running;
    await this.checkpoint();
  }
}
