import { AddParticipant, ConfirmSeat, CreditStack, DebitWallet, RefundDebit, SeatPlayer, UnseatPlayer } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Join: buy in and sit down (version 2).
 *
 *   player.debit-wallet ──▶ lifecycle.seat-player ──▶ treasury.credit-stack ═▶ consensus.add-participant ──▶ lifecycle.confirm-seat ──▶ completed
 *     ↺ player.refund-debit   ↺ lifecycle.unseat-player  (pivot)
 *
 * Before the pivot a refusal runs the compensations (↺) of the steps before it, newest
 * first; a step that never answered is compensated too (each compensation is harmless
 * when its step never ran). The stack credit is the pivot: from then on the player may
 * bet from the stack, so it is never taken back, and the rest only moves forward. The
 * seat is held as "joining" until confirm-seat, so a leave waits until every chip of
 * the join has landed. Operation ids are `<sagaId>:<step>`.
 */
export interface JoinContext {
  sagaId: string;
  gameId: string;
  playerId: string;
  buyIn: number;
  password?: string;
  publicKey?: string;
  stack?: number;
}

export const joinSaga: SagaDefinition<JoinContext> = {
  type: 'join',
  version: 2,
  steps: [
    {
      name: 'debit-wallet',
      command: (c) => ({ def: DebitWallet, payload: { playerId: c.playerId, opId: `${c.sagaId}:debit`, amount: c.buyIn, reason: `buy-in ${c.gameId}` } }),
      compensation: (c) => ({ def: RefundDebit, payload: { playerId: c.playerId, opId: `${c.sagaId}:debit`, amount: c.buyIn, reason: `buy-in refund ${c.gameId}` } }),
    },
    {
      name: 'seat-player',
      command: (c) => ({
        def: SeatPlayer,
        payload: {
          gameId: c.gameId,
          playerId: c.playerId,
          buyIn: c.buyIn,
          opId: `${c.sagaId}:seat`,
          confirm: true,
          ...(c.password ? { password: c.password } : {}),
          ...(c.publicKey ? { publicKey: c.publicKey } : {}),
        },
      }),
      compensation: (c) => ({ def: UnseatPlayer, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:unseat`, compensates: `${c.sagaId}:seat` } }),
    },
    {
      name: 'credit-stack',
      pivot: true,
      command: (c) => ({ def: CreditStack, payload: { opId: `${c.sagaId}:stack`, gameId: c.gameId, playerId: c.playerId, amount: c.buyIn } }),
      onOk: (c, reply: { stack: number }) => ({ ...c, stack: reply.stack }),
    },
    {
      name: 'add-participant',
      command: (c) => ({ def: AddParticipant, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:participant`, ...(c.publicKey ? { publicKey: c.publicKey } : {}) } }),
    },
    {
      name: 'confirm-seat',
      command: (c) => ({ def: ConfirmSeat, payload: { gameId: c.gameId, playerId: c.playerId, seatOpId: `${c.sagaId}:seat` } }),
    },
  ],
};
