import { randomUUID } from 'node:crypto';
import { errorCode, HttpClient, type HttpAnswer } from '../bench/harness/http';
import { Recorder } from '../bench/harness/recorder';
import type { Answer, GameView, Resolution } from './observations';
import type { Prng } from './prng';

/**
 * Refusals a player meets in normal play (DESIGN.md section 8), and 503 while a
 * dependency is down: answers, not failures. Anything else (500, 400…) is unexpected.
 */
export const EXPECTED_CODES = new Set([
  'GAME_FULL', 'ALREADY_SEATED', 'NOT_SEATED', 'BET_NOT_ALLOWED', 'BETS_ON_LAYOUT', 'GAME_CLOSED', 'GAME_SUSPENDED',
  'INSUFFICIENT_BALANCE', 'INSUFFICIENT_STACK', 'BET_LIMIT', 'HOUSE_CANNOT_COVER', 'NOT_SHOOTER', 'TOO_MANY_TABLES',
  'CONFLICT', 'SERVICE_UNAVAILABLE', 'GAME_NOT_FOUND',
  // "not now" (README, sagas): a roll while the table's last roll is still being paid, which
  // under faults can outlast the saga's own retries; the same key with fresh ids may retry it
  'TRY_AGAIN',
]);

/** Tables a chaos player sits at, at most. */
const MAX_SEATS = 3;

export interface WorkloadOptions {
  gateways: string[];
  clients: number;
  playersPerClient: number;
  /** Shared tables (8 seats each). */
  tables: number;
  /** Tables with the shortest inactivity timeout, played only in the first part of the run, then left to expire. */
  ephemeralTables: number;
  /** Inactivity timeout of the ephemeral tables. */
  ephemeralTimeoutMs: number;
  say: (line: string) => void;
}

interface ChaosPlayer {
  playerId: string;
  token: string;
  seats: Set<string>;
}

interface Client {
  id: number;
  rng: Prng;
  /** Index of this client's gateway; it fails over to the next one when its gateway does not answer. */
  gateway: number;
  players: ChaosPlayer[];
}

/**
 * The seeded mixed workload of a chaos run: clients (half of them on the second
 * gateway) register players, join tables, bet several bet types by phase, roll when
 * their player shoots, and leave. Every POST carries an Idempotency-Key and is retried
 * with it after a 503 or no answer (up to four attempts, failing over to another
 * gateway). It keeps the final answer of every request for the checks.
 */
export class Workload {
  readonly answers: Answer[] = [];
  readonly recorder = new Recorder(EXPECTED_CODES, true);
  readonly tokens = new Map<string, string>();
  readonly games = new Set<string>();
  readonly ephemeral = new Set<string>();
  private readonly apis: HttpClient[];
  private readonly clients: Client[] = [];
  private readonly tables: string[] = [];
  private ephemeralOpen = true;
  private stopAt = 0;

  constructor(
    private readonly rng: Prng,
    private readonly o: WorkloadOptions,
  ) {
    this.apis = o.gateways.map((g) => new HttpClient(g, { timeoutMs: 40_000 }));
  }

  /** Registers the players and opens the tables (before any fault). */
  async setup(): Promise<void> {
    for (let i = 0; i < this.o.clients; i++) this.clients.push({ id: i, rng: this.rng.fork(`client-${i}`), gateway: i % this.apis.length, players: [] });
    await Promise.all(this.clients.map(async (c) => {
      for (let j = 0; j < this.o.playersPerClient; j++) await this.register(c);
    }));
    const owner = this.clients[0]!;
    for (let i = 0; i < this.o.tables; i++) await this.createGame(owner, owner.players[0]!, { maxPlayers: 8 });
    for (let i = 0; i < this.o.ephemeralTables; i++) await this.createGame(owner, owner.players[0]!, { maxPlayers: 8, inactivityTimeoutMs: this.o.ephemeralTimeoutMs }, true);
    if (this.tables.length === 0) throw new Error('no table could be created');
  }

  /** Plays until `durationMs` has passed; the ephemeral tables only until `ephemeralForMs`. */
  async run(durationMs: number, ephemeralForMs: number): Promise<void> {
    this.stopAt = Date.now() + durationMs;
    const closeEphemeral = setTimeout(() => {
      this.ephemeralOpen = false;
      for (const c of this.clients) for (const p of c.players) for (const g of this.ephemeral) p.seats.delete(g);
      this.o.say(`ephemeral tables left alone now: they expire ${this.o.ephemeralTimeoutMs / 1000} s after their last command`);
    }, ephemeralForMs);
    try {
      await Promise.all(this.clients.map((c) => this.loop(c)));
    } finally {
      clearTimeout(closeEphemeral);
    }
  }

  close(): void {
    for (const a of this.apis) a.close();
  }

  private async loop(c: Client): Promise<void> {
    while (Date.now() < this.stopAt) {
      try {
        await this.step(c);
      } catch (err) {
        this.o.say(`client ${c.id}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async step(c: Client): Promise<void> {
    const rng = c.rng;
    if (rng.chance(0.005)) return void (await this.register(c));
    const p = rng.pick(c.players);
    const seats = [...p.seats].filter((g) => this.ephemeralOpen || !this.ephemeral.has(g));
    if (seats.length === 0 || (seats.length < MAX_SEATS && rng.chance(0.12))) return this.join(c, p);
    if (rng.chance(0.005)) return void (await this.createGame(c, p, { maxPlayers: 8 }));
    const gameId = rng.pick(seats);
    const { answer: g } = await this.send(c, 'get-game', 'GET', `/v1/games/${gameId}`, undefined, p.token);
    if (g.status !== 200) return;
    const game = g.body as GameView;
    const me = game.players.find((x) => x.playerId === p.playerId);
    if (game.status === 'closed' || !me) {
      p.seats.delete(gameId);
      return;
    }
    if (game.shooter === p.playerId && rng.chance(game.bets.length > 0 ? 0.5 : 0.15)) return this.roll(c, p, gameId);
    const r = rng.next();
    if (r < 0.07) return this.leave(c, p, gameId);
    if (r < 0.09) return this.roll(c, p, gameId); // not always the shooter: NOT_SHOOTER is an answer too
    if (me.stack < 1) return this.leave(c, p, gameId);
    return this.bet(c, p, game, me.stack);
  }

  private async register(c: Client): Promise<void> {
    const deposit = c.rng.int(500, 5_000);
    const a = await this.send(c, 'register', 'POST', '/v1/players', { name: `chaos ${c.id}`, deposit });
    const playerId = a.answer.body?.playerId as string | undefined;
    this.answers.push({ kind: 'register', status: a.answer.status, code: errorCode(a.answer), playerId: playerId ?? '', attempts: a.attempts, deposit, balance: a.answer.body?.balance });
    if (a.answer.status === 201 && playerId) {
      c.players.push({ playerId, token: a.answer.body.token, seats: new Set() });
      this.tokens.set(playerId, a.answer.body.token);
    }
  }

  private async createGame(c: Client, p: ChaosPlayer, settings: Record<string, unknown>, ephemeral = false): Promise<void> {
    const a = await this.send(c, 'create-game', 'POST', '/v1/games', settings, p.token);
    const gameId = a.answer.body?.gameId as string | undefined;
    this.answers.push({ kind: 'create-game', status: a.answer.status, code: errorCode(a.answer), playerId: p.playerId, attempts: a.attempts, gameId });
    if (a.answer.status === 201 && gameId) {
      this.games.add(gameId);
      if (ephemeral) this.ephemeral.add(gameId);
      else this.tables.push(gameId);
    }
  }

  private async join(c: Client, p: ChaosPlayer): Promise<void> {
    const pool = this.ephemeralOpen && this.ephemeral.size > 0 && c.rng.chance(0.3) ? [...this.ephemeral] : this.tables;
    const candidates = pool.filter((g) => !p.seats.has(g));
    if (candidates.length === 0 || p.seats.size >= MAX_SEATS) return;
    const gameId = c.rng.pick(candidates);
    const buyIn = c.rng.int(20, 300);
    const a = await this.send(c, 'join', 'POST', `/v1/games/${gameId}/join`, { buyIn }, p.token);
    const b = a.answer.body ?? {};
    this.answers.push({ kind: 'join', status: a.answer.status, code: errorCode(a.answer), playerId: p.playerId, attempts: a.attempts, gameId, buyIn, sagaId: b.sagaId, sagaStatus: b.status, stack: b.stack });
    // a 202 (still running) may seat the player yet: the next look at the table tells
    if (a.answer.status === 200 || a.answer.status === 202 || errorCode(a.answer) === 'ALREADY_SEATED') p.seats.add(gameId);
  }

  private async bet(c: Client, p: ChaosPlayer, game: GameView, stack: number): Promise<void> {
    const rng = c.rng;
    const mine = game.bets.filter((b) => b.playerId === p.playerId);
    const pass = mine.find((b) => b.type === 'pass');
    const dontPass = mine.find((b) => b.type === 'dont_pass');
    // odds back a come or don't-come bet once it has moved to its own point
    const come = mine.find((b) => b.type === 'come' && typeof b.point === 'number');
    const dontCome = mine.find((b) => b.type === 'dont_come' && typeof b.point === 'number');
    const type =
      game.phase === 'come-out'
        ? rng.weighted({ pass: 4, dont_pass: 1, field: 2, any_seven: 1, any_craps: 1, yo: 1, ace_deuce: 1, place: 2, hardway: 1, big_6: 1 })
        : rng.weighted({
            come: 3, dont_come: 1, pass_odds: pass ? 3 : 0, dont_pass_odds: dontPass ? 2 : 0, come_odds: come ? 2 : 0, dont_come_odds: dontCome ? 1 : 0,
            field: 2, place: 2, hardway: 1, any_craps: 1, aces: 1, big_8: 1, boxcars: 1,
          });
    const base = { pass_odds: pass, dont_pass_odds: dontPass, come_odds: come, dont_come_odds: dontCome }[type as string];
    const number =
      type === 'place' ? rng.pick([4, 5, 6, 8, 9, 10])
      : type === 'hardway' ? rng.pick([4, 6, 8, 10])
      : type === 'come_odds' || type === 'dont_come_odds' ? (base?.point as number)
      : undefined;
    // odds within one times their base bet: always under the table's 3-4-5 cap
    const cap = base ? Math.min(base.amount, stack) : Math.min(25, stack);
    const amount = rng.int(1, Math.max(1, cap));
    const body = { type, amount, ...(number !== undefined ? { number } : {}) };
    const a = await this.send(c, 'bet', 'POST', `/v1/games/${game.gameId}/bets`, body, p.token);
    const b = a.answer.body ?? {};
    this.answers.push({ kind: 'bet', status: a.answer.status, code: errorCode(a.answer), playerId: p.playerId, attempts: a.attempts, gameId: game.gameId, type, amount, number, sagaId: b.sagaId, sagaStatus: b.status, betId: b.betId });
  }

  private async roll(c: Client, p: ChaosPlayer, gameId: string): Promise<void> {
    const a = await this.send(c, 'roll', 'POST', `/v1/games/${gameId}/roll`, undefined, p.token);
    const b = a.answer.body ?? {};
    this.answers.push({
      kind: 'roll', status: a.answer.status, code: errorCode(a.answer), playerId: p.playerId, attempts: a.attempts, gameId,
      sagaId: b.sagaId, rollIndex: b.rollIndex, resolutions: Array.isArray(b.resolutions) ? (b.resolutions as Resolution[]) : undefined,
    });
  }

  private async leave(c: Client, p: ChaosPlayer, gameId: string): Promise<void> {
    const a = await this.send(c, 'leave', 'POST', `/v1/games/${gameId}/leave`, undefined, p.token);
    const b = a.answer.body ?? {};
    this.answers.push({ kind: 'leave', status: a.answer.status, code: errorCode(a.answer), playerId: p.playerId, attempts: a.attempts, gameId, sagaId: b.sagaId, sagaStatus: b.status, returned: b.returned });
    if (a.answer.status === 200 || errorCode(a.answer) === 'NOT_SEATED') p.seats.delete(gameId);
  }

  /**
   * One request with its retries: the same Idempotency-Key on every attempt; after no
   * answer the next attempt goes to the next gateway. Every attempt is counted.
   */
  private async send(c: Client, kind: string, method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<{ answer: HttpAnswer; attempts: number }> {
    const key = method === 'POST' ? randomUUID() : undefined;
    let answer!: HttpAnswer;
    let attempt = 0;
    for (attempt = 1; attempt <= 4; attempt++) {
      const api = this.apis[c.gateway]!;
      answer = await api.call(method, path, body, { token, idempotencyKey: key });
      this.recorder.record(kind, answer, { success: answer.status >= 200 && answer.status < 300 });
      if (answer.status !== 0 && answer.status !== 503) break;
      if (answer.status === 0) c.gateway = (c.gateway + 1) % this.apis.length;
      if (method === 'GET' || Date.now() > this.stopAt + 30_000) break;
      await new Promise((r) => setTimeout(r, c.rng.int(200, 1_500)));
    }
    return { answer, attempts: Math.min(attempt, 4) };
  }
}
