import { AddParticipant, CreditStack, DebitWallet, RefundDebit, RemoveParticipant, ReverseStackCredit, SeatPlayer, UnseatPlayer } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Join, version 1: kept only to finish join sagas stored before version 2 (join.saga.ts);
 * no new saga starts with it. Remove it once no saga of it is unfinished anywhere.
 *
 * Its flaw, which version 2 fixes: the stack credit is compensated when add-participant
 * fails after it, but the player may have bet from that stack meanwhile, and then the
 * reversal is refused (INSUFFICIENT_STACK) and the saga fails.
 *
 *   player.debit-wallet ──▶ lifecycle.seat-player ──▶ treasury.credit-stack ──▶ consensus.add-participant ──▶ completed
 *     ↺ player.refund-debit   ↺ lifecycle.unseat-player  ↺ treasury.reverse-stack-credit  ↺ consensus.remove-participant
 *
 * A refusal at any step runs the compensations (↺) of the steps before it, newest
 * first; a step that never answered is compensated too (each compensation is harmless
 * when its step never ran). Operation ids are `<sagaId>:<step>`.
 */
interface JoinContextV1 {
  sagaId: string;
  gameId: string;
  playerId: string;
  buyIn: number;
  password?: string;
  publicKey?: string;
  stack?: number;
}

export const joinSagaV1: SagaDefinition<JoinContextV1> = {
  type: 'join',
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
        payload: { gameId: c.gameId, playerId: c.playerId, buyIn: c.buyIn, opId: `${c.sagaId}:seat`, ...(c.password ? { password: c.password } : {}), ...(c.publicKey ? { publicKey: c.publicKey } : {}) },
      }),
      compensation: (c) => ({ def: UnseatPlayer, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:unseat`, compensates: `${c.sagaId}:seat` } }),
    },
    {
      name: 'credit-stack',
      command: (c) => ({ def: CreditStack, payload: { opId: `${c.sagaId}:stack`, gameId: c.gameId, playerId: c.playerId, amount: c.buyIn } }),
      onOk: (c, reply: { stack: number }) => ({ ...c, stack: reply.stack }),
      compensation: (c) => ({ def: ReverseStackCredit, payload: { opId: `${c.sagaId}:stack`, gameId: c.gameId, playerId: c.playerId } }),
    },
    {
      name: 'add-participant',
      command: (c) => ({ def: AddParticipant, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:participant`, ...(c.publicKey ? { publicKey: c.publicKey } : {}) } }),
      compensation: (c) => ({ def: RemoveParticipant, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:participant-undo`, compensates: `${c.sagaId}:participant` } }),
    },
  ],
};
