import { ApplyRoll, CancelRoll, CheckShooter, CloseRound, ProduceRoll, SettleRoll, type RollOutcome } from '@bitcraps/contracts';
import type { SagaDefinition } from '@bitcraps/saga';

/**
 * Roll: the shooter throws; every bet the dice settle is paid.
 *
 *   lifecycle.check-shooter ──▶ consensus.produce-roll ──▶ lifecycle.apply-roll ═▶ treasury.settle-roll ──▶ lifecycle.close-round ──▶ completed
 *     ↺ lifecycle.cancel-roll    (commit-reveal dice)        (pivot)
 *
 * Before the pivot a refusal cancels the reserved roll (betting reopens). Once the roll
 * is applied it is final: settlement and close-round are retried until they succeed,
 * never undone. Settlement is keyed by (game, roll, bet) in treasury, so a retried
 * settle pays each bet once. produce-roll may wait for reveals (revealTimeoutMs): its
 * attempts are long and many.
 */
export interface RollContext {
  sagaId: string;
  gameId: string;
  playerId: string;
  rollIndex?: number;
  dice?: [number, number];
  roll?: RollOutcome;
}

export const rollSaga: SagaDefinition<RollContext> = {
  type: 'roll',
  steps: [
    {
      name: 'check-shooter',
      command: (c) => ({ def: CheckShooter, payload: { gameId: c.gameId, playerId: c.playerId, opId: `${c.sagaId}:check` } }),
      onOk: (c, r: { rollIndex: number }) => ({ ...c, rollIndex: r.rollIndex }),
      compensation: (c) => ({ def: CancelRoll, payload: { gameId: c.gameId, checkOpId: `${c.sagaId}:check` } }),
    },
    {
      name: 'produce-roll',
      command: (c) => ({ def: ProduceRoll, payload: { gameId: c.gameId, rollIndex: c.rollIndex!, opId: `${c.sagaId}:dice` } }),
      onOk: (c, r: { dice: [number, number] }) => ({ ...c, dice: r.dice }),
      // consensus answers within PRODUCE_ROLL_WAIT_MS (≤ 25 s) or SERVICE_UNAVAILABLE: retried
      timeoutMs: 30_000,
      maxAttempts: 6,
    },
    {
      name: 'apply-roll',
      pivot: true,
      command: (c) => ({ def: ApplyRoll, payload: { gameId: c.gameId, rollIndex: c.rollIndex!, dice: c.dice! } }),
      onOk: (c, r: { roll: RollOutcome }) => ({ ...c, roll: r.roll }),
    },
    {
      name: 'settle-roll',
      command: (c) => ({
        def: SettleRoll,
        payload: {
          gameId: c.gameId,
          rollIndex: c.rollIndex!,
          resolutions: c.roll!.resolutions.map((r) => ({ betId: r.betId, playerId: r.playerId, outcome: r.outcome, amount: r.amount, payout: r.payout })),
        },
      }),
    },
    { name: 'close-round', command: (c) => ({ def: CloseRound, payload: { gameId: c.gameId, rollIndex: c.rollIndex! } }) },
  ],
};
