import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  GetGame,
  QuorumFailed,
  refuse,
  RevealsRequested,
  VotesRequested,
  type ConsensusSettings,
  type Refusal,
} from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, RedisTimeouts } from '@bitcraps/service-kit';
import { tally } from './domain/quorum';
import type { ConsensusGame, Ctx, Decision, Round } from './domain/record';
import { advance, nextDeadline, proofOf, transitions, type Transitions } from './domain/rounds';
import { resultDigest, type Signer } from './domain/signatures';
import { ConsensusMetrics } from './consensus.metrics';
import { HOUSE_SIGNER } from './house-key';
import { ConsensusStore } from './persistence/consensus.store';

/** The sorted set `timeouts:<kind>` of reveal and vote deadlines; members are game ids. */
export const ROUND_TIMEOUT_KIND = 'consensus-round';

export interface Written<R> {
  reply: R;
  /** The record as it now stands (null: there is none). */
  game: ConsensusGame | null;
  written: boolean;
}

type Attempt<R> = Written<R> & { t?: Transitions; publishFirst?: Round[] };

/**
 * How every piece of work on a game's record runs: read, move the rounds on to the clock
 * (`advance`), decide, move them on again, compare-and-set; then the effects of what
 * changed: proofs stored, events published, deadlines mirrored into Redis, metrics, and
 * any produce-roll waiting on this game woken.
 *
 * `evt.consensus.quorum-failed` must never be lost (the orchestrator suspends the game on
 * it): it is published before the write that records the failure, under a message id
 * fixed by the round, so a retry is a duplicate NATS drops.
 */
@Injectable()
export class RoundRunner {
  private readonly logger = new Logger('RoundRunner');
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Proofs known to be stored (this process), so each is written once. */
  private readonly storedProofs = new Set<string>();

  constructor(
    private readonly store: ConsensusStore,
    private readonly timeouts: RedisTimeouts,
    private readonly metrics: ConsensusMetrics,
    @Inject(HOUSE_SIGNER) private readonly house: Signer,
    @Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy,
  ) {}

  get housePublicKey(): string {
    return this.house.publicKey;
  }

  ctx(): Ctx {
    return { now: Date.now(), newSeed: () => randomBytes(32), house: this.house };
  }

  /** One decision on the game's record (null when there is none yet). */
  async write<R>(gameId: string, decide: (g: ConsensusGame | null, ctx: Ctx) => Decision<R>): Promise<Written<R>> {
    const published = new Set<number>();
    for (;;) {
      const out = await this.store.update<Attempt<R>>(gameId, (current): { next?: ConsensusGame; result: Attempt<R> } => {
        const ctx = this.ctx();
        const moved = current ? advance(current, ctx) : null;
        const d = decide(moved, ctx);
        const candidate = d.next ?? moved;
        const next = candidate ? advance(candidate, ctx) : null;
        if (!next || next === current) return { result: { reply: d.reply, game: current, written: false } };
        const t = transitions(current, next);
        const unpublished = t.failed.filter((r) => !published.has(r.rollIndex));
        if (unpublished.length) return { result: { reply: d.reply, game: current, written: false, publishFirst: unpublished } };
        return { next, result: { reply: d.reply, game: next, written: true, t } };
      });
      if (out.publishFirst) {
        const g = (await this.store.get(gameId))!;
        for (const r of out.publishFirst) {
          await this.publishQuorumFailed(g, r);
          published.add(r.rollIndex);
        }
        continue;
      }
      if (out.written && out.game) await this.afterWrite(out.game, out.t!, published);
      return { reply: out.reply, game: out.game, written: out.written };
    }
  }

  /** Looks at the record: moves it on to the clock if a deadline passed (the sweeper, a waiting roll). */
  async touch(gameId: string): Promise<ConsensusGame | null> {
    const res = await this.write(gameId, (): Decision<null> => ({ reply: null }));
    if (!res.written && res.game) await this.mirrorDeadline(res.game);
    return res.game;
  }

  /**
   * The game's consensus settings: given, stored, or (once, for a game consensus has not
   * seen) read from lifecycle. Throws when lifecycle does not answer: the command is
   * redelivered later.
   */
  async settingsFor(gameId: string, given?: ConsensusSettings): Promise<ConsensusSettings | Refusal> {
    if (given) return given;
    const stored = (await this.store.get(gameId))?.settings;
    if (stored) return stored;
    const reply = await this.bus.query(GetGame, { gameId }, { timeoutMs: 5_000 });
    if (reply.ok) {
      const { consensus, revealTimeoutMs, voteTimeoutMs } = reply.game.config;
      return { consensus, revealTimeoutMs, voteTimeoutMs };
    }
    if (reply.code === 'GAME_NOT_FOUND') return refuse('GAME_NOT_FOUND', `no game ${gameId}`);
    throw new Error(`lifecycle could not tell the settings of ${gameId}: ${reply.code} ${reply.message}`);
  }

  /**
   * The roll lifecycle holds reserved for the game (betting on it closed at check-shooter),
   * null when none or when lifecycle knows no such game (then nothing can be reserved).
   * Throws when lifecycle does not answer: the command is redelivered later.
   */
  async reservedRoll(gameId: string): Promise<number | null> {
    const reply = await this.bus.query(GetGame, { gameId }, { timeoutMs: 5_000 });
    if (reply.ok) return reply.game.pendingRoll ?? null;
    if (reply.code === 'GAME_NOT_FOUND') return null;
    throw new Error(`lifecycle could not tell whether betting on ${gameId} is closed: ${reply.code} ${reply.message}`);
  }

  /** Resolves when a write to the game in this process happened, or at `until` (at most one poll interval). */
  waitForChange(gameId: string, until: number, pollMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(gameId) ?? new Set();
      this.waiters.set(gameId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(gameId) === set) this.waiters.delete(gameId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(pollMs, until - Date.now())));
      set.add(done);
    });
  }

  async mirrorDeadline(g: ConsensusGame): Promise<void> {
    const at = nextDeadline(g);
    try {
      if (at === null) await this.timeouts.disarm(ROUND_TIMEOUT_KIND, g.gameId);
      else await this.timeouts.arm(ROUND_TIMEOUT_KIND, g.gameId, at);
    } catch (err) {
      // the record is the truth: the deadline is re-armed from it on start
      this.logger.warn(`could not arm the deadline of ${g.gameId}: ${(err as Error).message}`);
    }
  }

  private async afterWrite(g: ConsensusGame, t: Transitions, published: ReadonlySet<number>): Promise<void> {
    for (const waiter of [...(this.waiters.get(g.gameId) ?? [])]) waiter();
    await this.storeProofs(g);
    const mode = g.settings?.consensus ?? 'house';
    for (const r of t.decided) if (r.startedAt !== null) this.metrics.duration.observe({ mode, outcome: r.status }, (r.decidedAt! - r.startedAt) / 1000);
    for (const r of t.rolled) if (r.withheld.length) this.metrics.faults.inc({ kind: 'withheld' }, r.withheld.length);
    const publish = async (what: string, send: () => Promise<void>) => {
      try {
        await send();
      } catch (err) {
        this.logger.warn(`could not publish ${what} of ${g.gameId}: ${(err as Error).message}`);
      }
    };
    for (const r of t.revealing) {
      const awaiting = r.commitments.filter((c) => c.seed === null).map((c) => c.playerId).sort();
      if (!awaiting.length) continue;
      await publish('reveals-requested', () =>
        this.bus.publishEvent(
          RevealsRequested,
          { gameId: g.gameId, rollIndex: r.rollIndex, awaiting, deadline: new Date(r.revealDeadline!).toISOString() },
          { msgId: `consensus.reveals-requested.${g.gameId}.${r.rollIndex}`, correlationId: g.gameId, version: 1 },
        ),
      );
    }
    for (const r of t.voting) {
      const result = { dice: r.dice!, gameId: g.gameId, rollIndex: r.rollIndex };
      await publish('votes-requested', () =>
        this.bus.publishEvent(
          VotesRequested,
          { gameId: g.gameId, rollIndex: r.rollIndex, result, digest: resultDigest(result).toString('hex'), deadline: new Date(r.voteDeadline!).toISOString() },
          { msgId: `consensus.votes-requested.${g.gameId}.${r.rollIndex}`, correlationId: g.gameId, version: 1 },
        ),
      );
    }
    // published before the write; this only covers a failure decided after that (never, unless clocks disagree)
    for (const r of t.failed) if (!published.has(r.rollIndex)) await publish('quorum-failed', () => this.publishQuorumFailed(g, r));
    await this.mirrorDeadline(g);
  }

  private async publishQuorumFailed(g: ConsensusGame, r: Round): Promise<void> {
    const t = tally(g, r);
    await this.bus.publishEvent(
      QuorumFailed,
      { gameId: g.gameId, rollIndex: r.rollIndex, eligible: t.eligible, needed: t.needed, valid: t.valid, deadline: new Date(r.voteDeadline!).toISOString() },
      { msgId: `consensus.quorum-failed.${g.gameId}.${r.rollIndex}`, correlationId: g.gameId, version: 1 },
    );
  }

  /** Every rolled round of the record gets its proof stored (once; a failed attempt is retried on the next write). */
  private async storeProofs(g: ConsensusGame): Promise<void> {
    for (const r of g.rounds) {
      const key = `${g.gameId}.${r.rollIndex}`;
      const proof = proofOf(g.gameId, r);
      if (!proof || this.storedProofs.has(key)) continue;
      try {
        await this.store.saveProof(g.gameId, proof);
        if (this.storedProofs.size > 50_000) this.storedProofs.clear();
        this.storedProofs.add(key);
      } catch (err) {
        this.logger.warn(`could not store the proof of ${key}: ${(err as Error).message}`);
      }
    }
  }
}
