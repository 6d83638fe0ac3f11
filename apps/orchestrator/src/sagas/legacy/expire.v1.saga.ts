import { CashOutStack, CloseGame, CreditWallet, ReleaseBet, SuspendGame } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Expire, version 1: kept only to finish expire sagas stored before version 2
 * (expire.saga.ts); no new saga starts with it. Remove it once none is unfinished.
 *
 * Its flaw, which version 2 fixes: suspend-game has no compensation and is not the
 * pivot, so a close-game refused outright (or a suspend that never answered) ends the
 * saga `compensated` with the table left suspended, its clocks stopped, for good.
 *
 *   lifecycle.suspend-game ──▶ lifecycle.close-game ═▶ treasury.release-bet × open bets ──▶ treasury.cash-out-stack × players ──▶ player.credit-wallet × players ──▶ completed
 *                               (pivot: closed for good, so the rest only moves forward)
 *
 * Suspending first freezes the table (no bet or roll slips in). Started by the event
 * `evt.lifecycle.game-inactive`, one saga per game (its id derives from the game id).
 */
interface ExpireContextV1 {
  sagaId: string;
  gameId: string;
  players?: Array<{ playerId: string; stack: number }>;
  bets?: Array<{ betId: string; playerId: string }>;
  cashed?: Array<{ playerId: string; amount: number }>;
}

export const expireSagaV1: SagaDefinition<ExpireContextV1> = {
  type: 'expire',
  steps: [
    {
      name: 'suspend-game',
      command: (c) => ({ def: SuspendGame, payload: { gameId: c.gameId, reason: 'inactive: expiring', opId: `${c.sagaId}:suspend` } }),
    },
    {
      name: 'close-game',
      pivot: true,
      command: (c) => ({ def: CloseGame, payload: { gameId: c.gameId, reason: 'inactive: expired', opId: `${c.sagaId}:close` } }),
      onOk: (c, r: { players: Array<{ playerId: string; stack: number }>; bets: Array<{ betId: string; playerId: string }> }) => ({
        ...c,
        players: r.players.map((p) => ({ playerId: p.playerId, stack: p.stack })),
        bets: r.bets.map((b) => ({ betId: b.betId, playerId: b.playerId })),
      }),
    },
    {
      name: 'release-bets',
      command: (c) => (c.bets ?? []).map((b) => ({ def: ReleaseBet, payload: { betId: b.betId, gameId: c.gameId, playerId: b.playerId } })),
    },
    {
      name: 'cash-out-stacks',
      command: (c) => (c.players ?? []).map((p) => ({ def: CashOutStack, payload: { opId: `${c.sagaId}:cash-out:${p.playerId}`, gameId: c.gameId, playerId: p.playerId } })),
      onOk: (c, replies: Array<{ amount: number }>) => ({ ...c, cashed: (c.players ?? []).map((p, i) => ({ playerId: p.playerId, amount: replies[i].amount })) }),
    },
    {
      name: 'credit-wallets',
      command: (c) =>
        (c.cashed ?? [])
          .filter((x) => x.amount > 0)
          .map((x) => ({ def: CreditWallet, payload: { playerId: x.playerId, opId: `${c.sagaId}:credit:${x.playerId}`, amount: x.amount, reason: `table ${c.gameId} expired` } })),
    },
  ],
};
