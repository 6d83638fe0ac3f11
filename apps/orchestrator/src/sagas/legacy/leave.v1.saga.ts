import { CashOutStack, CreditWallet, ReleaseBet, RemoveParticipant, UnseatPlayer } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Leave, version 1: kept only to finish leave sagas stored before version 2
 * (leave.saga.ts); no new saga starts with it. Remove it once none is unfinished.
 *
 * Its flaw, which version 2 fixes: nothing stops the player from sitting down again
 * while its later steps are still under way, and then its cash-out takes the new
 * buy-in and its participant removal the new participant.
 *
 *   lifecycle.unseat-player ═▶ consensus.remove-participant ──▶ treasury.release-bet × returned bets ──▶ treasury.cash-out-stack ──▶ player.credit-wallet ──▶ completed
 *   (pivot: refused with BETS_ON_LAYOUT while contract bets stand; once it succeeds the saga only moves forward)
 *
 * Nothing here is compensated: leaving is undone by joining again. Every step after the
 * pivot is retried until it succeeds, so the chips always reach the wallet.
 */
interface LeaveContextV1 {
  sagaId: string;
  gameId: string;
  playerId: string;
  returnedBets?: Array<{ betId: string; amount: number }>;
  returned?: number;
}

export const leaveSagaV1: SagaDefinition<LeaveContextV1> = {
  type: 'leave',
  steps: [
    {
      name: 'unseat-player',
      pivot: true,
      command: (c) => ({ def: UnseatPlayer, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:unseat` } }),
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
  ],
};
