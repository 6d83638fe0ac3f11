import { Controller, Inject } from '@nestjs/common';
import { ConfirmLeave, ConfirmSeat, refuse, SeatPlayer, UnseatPlayer, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand } from '@bitcraps/messaging';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { checkTablePassword, seatOf } from '../domain/game';
import { confirmLeave, confirmSeat, recallSeat, seatPlayer, seatRefusal, unseatPlayer } from '../domain/seats';
import { GameRunner } from '../game-runner';
import { AdmissionStore } from '../persistence/admission.store';
import { GamesStore } from '../persistence/games.store';
import type { LifecycleConfig } from '../config';

const byGame = (c: { gameId: string }) => c.gameId;

/** Seats: the join saga's seat and confirm steps and the seat's compensation, the leave saga's unseat step. */
@Controller()
export class SeatsHandlers {
  constructor(
    private readonly games: GamesStore,
    private readonly admission: AdmissionStore,
    private readonly runner: GameRunner,
    @Inject(SERVICE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  /**
   * The password is checked before taking the lock (scrypt is slow; the hash never
   * changes). The player's table slot is reserved (compare-and-set) before the seat is
   * written, and given back when the seat is refused.
   */
  @OnCommand(SeatPlayer, { orderingKey: byGame })
  async seat(cmd: PayloadOf<typeof SeatPlayer>): Promise<ReplyOf<typeof SeatPlayer>> {
    // the password is checked outside the lock (scrypt is slow); a table's hash never changes
    const peek = await this.games.peek(cmd.gameId);
    if (!peek) return refuse('GAME_NOT_FOUND', `no game ${cmd.gameId}`);
    const passwordOk = !peek.passwordHash || (cmd.password !== undefined && checkTablePassword(peek.passwordHash, cmd.password));
    return this.runner.locked(cmd.gameId, async (fence) => {
      const g = await this.games.get(cmd.gameId);
      if (!g) return refuse('GAME_NOT_FOUND', `no game ${cmd.gameId}`);
      let tableSlot = true;
      let slotTaken = false;
      if (!recallSeat(g, cmd.opId) && !seatRefusal(g, cmd, { passwordOk, tableSlot: true })) {
        const slot = await this.admission.reserveTable(cmd.playerId, cmd.gameId, this.config.MAX_GAMES_PER_PLAYER);
        tableSlot = slot !== 'full';
        slotTaken = tableSlot;
      }
      const res = await this.runner.write(cmd.gameId, fence, (cur, now) => seatPlayer(cur, cmd, { now, passwordOk, tableSlot }));
      if (!res) return refuse('GAME_NOT_FOUND', `no game ${cmd.gameId}`);
      if (slotTaken && !seatOf(res.game, cmd.playerId)) await this.admission.releaseTable(cmd.playerId, cmd.gameId);
      return res.reply;
    });
  }

  /** Frees the player's table slot once they are not seated any more. */
  @OnCommand(UnseatPlayer, { orderingKey: byGame })
  unseat(cmd: PayloadOf<typeof UnseatPlayer>): Promise<ReplyOf<typeof UnseatPlayer>> {
    return this.runner.locked(cmd.gameId, async (fence) => {
      const res = await this.runner.write(cmd.gameId, fence, (g, now) => unseatPlayer(g, cmd, now));
      if (!res) return refuse('GAME_NOT_FOUND', `no game ${cmd.gameId}`);
      if (res.reply.ok && !seatOf(res.game, cmd.playerId)) await this.admission.releaseTable(cmd.playerId, cmd.gameId);
      return res.reply;
    });
  }

  /** The join is settled: its player may leave from now on. */
  @OnCommand(ConfirmSeat, { orderingKey: byGame })
  confirm(cmd: PayloadOf<typeof ConfirmSeat>): Promise<ReplyOf<typeof ConfirmSeat>> {
    return this.runner.command(cmd.gameId, (g) => confirmSeat(g, cmd));
  }

  /** The leave is settled: its player may sit here again. */
  @OnCommand(ConfirmLeave, { orderingKey: byGame })
  confirmLeave(cmd: PayloadOf<typeof ConfirmLeave>): Promise<ReplyOf<typeof ConfirmLeave>> {
    return this.runner.command(cmd.gameId, (g) => confirmLeave(g, cmd));
  }
}
