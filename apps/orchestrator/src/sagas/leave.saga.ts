import { CashOutStack, ConfirmLeave, CreditWallet, ReleaseBet, RemoveParticipant, UnseatPlayer } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Leave: stand up and take the chips home (version 2).
 *
 *   lifecycle.unseat-player ═▶ consensus.remove-participant ──▶ treasury.release-bet × returned bets ──▶ treasury.cash-out-stack ──▶ player.credit-wallet ──▶ lifecycle.confirm-leave ──▶ completed
 *   (pivot: refused with BETS_ON_LAYOUT while contract bets stand, TRY_AGAIN while chips are on their way
 *    to the stack; once it succeeds the saga only moves forward)
 *
 * Nothing here is compensated: leaving is undone by joining again. Every step after the
 * pivot is retried until it succeeds, so the chips always reach the wallet. The player
 * is held as leaving until confirm-leave, so a new join at this table waits for this
 * leave's cash-out and participant removal.
 */
export interface LeaveContext {
  sagaId: string;
  gameId: string;
  playerId: string;
  returnedBets?: Array<{ betId: string; amount: number }>;
  returned?: number;
}

export const leaveSaga: SagaDefinition<LeaveContext> = {
  type: 'leave',
  version: 2,
  steps: [
    {
      name: 'unseat-player',
      pivot: true,
      command: (c) => ({ def: UnseatPlayer, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:unseat`, confirm: true } }),
      onOk: (c, reply: { returnedBets: Array<{ betId: string; amount: number }> }) => ({ ...c, returnedBets: reply.returnedBets }),
    },
    {
      name: 'remove-participant',
      command: (c) => ({ def: RemoveParticipant, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:participant` } }),
    },
    {
      name: 'release-bets',
      command: (c) => (c.returnedBets ?? []).map((b) => ({ def: ReleaseBet, payload: { betId: b.betId, gameId: c.gameId, playerId: c.playerId } })),
    },
    {
      name: 'cash-out-stack',
      command: (c) => ({ def: CashOutStack, payload: { opId: `${c.sagaId}:cash-out`, gameId: c.gameId, playerId: c.playerId } }),
      onOk: (c, reply: { amount: number }) => ({ ...c, returned: reply.amount }),
    },
    {
      name: 'credit-wallet',
      command: (c) =>
        c.returned ? [{ def: CreditWallet, payload: { playerId: c.playerId, opId: `${c.sagaId}:credit`, amount: c.returned, reason: `cash-out ${c.gameId}` } }] : [],
    },
    {
      name: 'confirm-leave',
      command: (c) => ({ def: ConfirmLeave, payload: { gameId: c.gameId, playerId: c.playerId, leaveOpId: `${c.sagaId}:unseat` } }),
    },
  ],
};
