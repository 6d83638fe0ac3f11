import { EscrowBet, RecordBet, ReleaseBet, RemoveBet, ValidateBet } from '@bitcraps/contracts';
import type { BetType } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Bet: put chips on the layout.
 *
 *   lifecycle.validate-bet ──▶ treasury.escrow-bet ──▶ lifecycle.record-bet ──▶ completed
 *     (no effect)               ↺ treasury.release-bet   ↺ lifecycle.remove-bet
 *
 * Validation first, so a bet the table would refuse never touches money; the escrow
 * holds the exposure check (HOUSE_CANNOT_COVER); recording re-validates against the
 * table as it is then.
 */
export interface BetContext {
  sagaId: string;
  gameId: string;
  playerId: string;
  betId: string;
  type: BetType;
  amount: number;
  number?: number;
}

const bet = (c: BetContext) => ({ gameId: c.gameId, betId: c.betId, playerId: c.playerId, type: c.type, amount: c.amount, ...(c.number !== undefined ? { number: c.number } : {}) });

export const betSaga: SagaDefinition<BetContext> = {
  type: 'bet',
  steps: [
    { name: 'validate-bet', command: (c) => ({ def: ValidateBet, payload: bet(c) }) },
    {
      name: 'escrow-bet',
      command: (c) => ({ def: EscrowBet, payload: { betId: c.betId, gameId: c.gameId, playerId: c.playerId, type: c.type, amount: c.amount, ...(c.number !== undefined ? { number: c.number } : {}) } }),
      compensation: (c) => ({ def: ReleaseBet, payload: { betId: c.betId, gameId: c.gameId, playerId: c.playerId } }),
    },
    {
      name: 'record-bet',
      command: (c) => ({ def: RecordBet, payload: { ...bet(c), opId: `${c.sagaId}:record` } }),
      compensation: (c) => ({ def: RemoveBet, payload: { gameId: c.gameId, betId: c.betId, opId: `${c.sagaId}:remove` } }),
    },
  ],
};
