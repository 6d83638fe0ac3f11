import { Controller, Inject } from '@nestjs/common';
import { CloseGame, CreateGame, GetGame, refuse, ResumeGame, SuspendGame, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { closeGame, resumeGame, suspendGame } from '../domain/admin';
import { newGame, toGameView } from '../domain/game';
import { GameRunner } from '../game-runner';
import { AdmissionStore } from '../persistence/admission.store';
import { GamesStore } from '../persistence/games.store';
import type { LifecycleConfig } from '../config';

const byGame = (c: { gameId: string }) => c.gameId;

/** Games: create (admission control), read, suspend, resume, close. */
@Controller()
export class GamesHandlers {
  constructor(
    private readonly games: GamesStore,
    private readonly admission: AdmissionStore,
    private readonly runner: GameRunner,
    @Inject(SERVICE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  /**
   * Idempotent: the game id comes with the command; a redelivery answers the game it
   * made. A slot is counted in as pending (compare-and-set) before the game is written
   * and confirmed after; a create that dies between the two is completed by its
   * redelivery, which finds its pending admission.
   */
  @OnCommand(CreateGame, { orderingKey: byGame })
  async create(cmd: PayloadOf<typeof CreateGame>): Promise<ReplyOf<typeof CreateGame>> {
    const existing = await this.games.get(cmd.gameId);
    if (existing) {
      await this.admission.confirmGame(cmd.gameId); // a create that died before confirming
      return { ok: true, game: toGameView(existing) };
    }
    const game = newGame(cmd, new Date());
    if ('ok' in game) return game;
    if (!(await this.admission.admitGame(cmd.gameId, this.config.MAX_CONCURRENT_GAMES))) {
      return refuse('TOO_MANY_GAMES', `${this.config.MAX_CONCURRENT_GAMES} games are open already`);
    }
    if (!(await this.games.create(game))) {
      const raced = await this.games.get(cmd.gameId);
      if (raced) {
        await this.admission.confirmGame(cmd.gameId);
        return { ok: true, game: toGameView(raced) };
      }
    }
    await this.admission.confirmGame(cmd.gameId);
    await this.runner.mirrorDeadlines(game);
    return { ok: true, game: toGameView(game) };
  }

  @OnQuery(GetGame)
  async get(q: PayloadOf<typeof GetGame>): Promise<ReplyOf<typeof GetGame>> {
    const game = await this.games.get(q.gameId);
    return game ? { ok: true, game: toGameView(game) } : refuse('GAME_NOT_FOUND', `no game ${q.gameId}`);
  }

  @OnCommand(SuspendGame, { orderingKey: byGame })
  suspend(cmd: PayloadOf<typeof SuspendGame>): Promise<ReplyOf<typeof SuspendGame>> {
    return this.runner.command(cmd.gameId, (g, now) => suspendGame(g, cmd, now));
  }

  @OnCommand(ResumeGame, { orderingKey: byGame })
  resume(cmd: PayloadOf<typeof ResumeGame>): Promise<ReplyOf<typeof ResumeGame>> {
    return this.runner.command(cmd.gameId, (g, now) => resumeGame(g, cmd, now));
  }

  /**
   * Closes the game, then frees its admission slot and the players' table slots (each
   * once; a redelivery finishes what a crash interrupted).
   */
  @OnCommand(CloseGame, { orderingKey: byGame })
  close(cmd: PayloadOf<typeof CloseGame>): Promise<ReplyOf<typeof CloseGame>> {
    return this.runner.locked(cmd.gameId, async (fence) => {
      const res = await this.runner.write(cmd.gameId, fence, (g, now) => closeGame(g, cmd, now));
      if (!res) return refuse('GAME_NOT_FOUND', `no game ${cmd.gameId}`);
      if (res.reply.ok && res.game.status === 'closed') {
        // only the close that wrote the game's end frees its slot: a replay finds it closed
        if (res.written) await this.admission.releaseGame();
        for (const p of res.reply.players) await this.admission.releaseTable(p.playerId, cmd.gameId);
        if (!res.written) await this.runner.mirrorDeadlines(res.game);
      }
      return res.reply;
    });
  }
}
