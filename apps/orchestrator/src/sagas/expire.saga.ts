import { CashOutStack, CloseGame, CreditWallet, ReleaseBet, SuspendGame } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Expire: a table nobody touched for `inactivityTimeoutMs` gives every chip back (version 2).
 *
 *   lifecycle.suspend-game ═▶ lifecycle.close-game ══▶ treasury.release-bet × open bets ──▶ treasury.cash-out-stack × players ──▶ player.credit-wallet × players ──▶ completed
 *   (pivot: once frozen the table must close)  (closed for good)
 *
 * Suspending first freezes the table (no bet or roll slips in). The suspension is the
 * pivot: it stops the table's clocks, so no later inactivity would start another expiry,
 * and undoing it (resume) could reopen a table suspended for another reason (a failed
 * quorum keeps its escrow until an operator decides). So from the suspension on the saga
 * only moves forward: an unanswered suspend or close is retried until it answers (close
 * answers TRY_AGAIN while chips are in flight), and a close refused outright ends the
 * saga `failed`, visible to operators, with every chip still on the table, never
 * `compensated` with the table frozen and nobody told (version 1's flaw). A refused
 * suspend (GAME_CLOSED) did nothing: nothing to undo. Started by the event
 * `evt.lifecycle.game-inactive`, one saga per game (its id derives from the game id).
 */
export interface ExpireContext {
  sagaId: string;
  gameId: string;
  players?: Array<{ playerId: string; stack: number }>;
  bets?: Array<{ betId: string; playerId: string }>;
  cashed?: Array<{ playerId: string; amount: number }>;
}

export const expireSaga: SagaDefinition<ExpireContext> = {
  type: 'expire',
  version: 2,
  steps: [
    {
      name: 'suspend-game',
      pivot: true,
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
