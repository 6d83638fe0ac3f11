import { EscrowBet, RecordBet, ReleaseBet, ReleaseBetHold, RemoveBet, ValidateBet } from '@bitcraps/contracts';
import type { BetType } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Bet: put chips on the layout.
 *
 *   lifecycle.validate-bet ──▶ treasury.escrow-bet ──▶ lifecycle.record-bet ──▶ completed
 *     ↺ lifecycle.release-bet-hold  ↺ treasury.release-bet  ↺ lifecycle.remove-bet
 *
 * Validation first, so a bet the table would refuse never touches money; it holds the
 * bet id, so the player cannot leave (nor the game close) while the stake is on its way;
 * a recorded bet ends the hold, and so does the last compensation, after the escrow is back. The escrow holds the exposure check
 * (HOUSE_CANNOT_COVER); recording re-validates against the table as it is then.
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
    {
      name: 'validate-bet',
      command: (c) => ({ def: ValidateBet, payload: bet(c) }),
      // validate-bet holds the bet id (its player may not leave meanwhile); compensated last, once the escrow is back
      compensation: (c) => ({ def: ReleaseBetHold, payload: { gameId: c.gameId, betId: c.betId } }),
    },
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
