import { Controller } from '@nestjs/common';
import { CreateGame, GetGame, refuse, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { GamesStore } from './games.store';
import { newGame, toGameView } from './domain/game';

@Controller()
export class LifecycleHandlers {
  constructor(private readonly games: GamesStore) {}

  /** Idempotent: the game id comes with the command; a redelivery answers the game it made. */
  @OnCommand(CreateGame, { orderingKey: (c: PayloadOf<typeof CreateGame>) => c.gameId })
  async create(cmd: PayloadOf<typeof CreateGame>): Promise<ReplyOf<typeof CreateGame>> {
    const existing = await this.games.get(cmd.gameId);
    if (existing) return { ok: true, game: toGameView(existing) };
    const game = newGame(cmd, new Date());
    if ('ok' in game) return game;
    if (!(await this.games.create(game))) {
      const raced = await this.games.get(cmd.gameId);
      if (raced) return { ok: true, game: toGameView(raced) };
    }
    return { ok: true, game: toGameView(game) };
  }

  @OnQuery(GetGame)
  async get(q: PayloadOf<typeof GetGame>): Promise<ReplyOf<typeof GetGame>> {
    const game = await this.games.get(q.gameId);
    return game ? { ok: true, game: toGameView(game) } : refuse('GAME_NOT_FOUND', `no game ${q.gameId}`);
  }
}
