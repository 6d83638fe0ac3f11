import { isDice } from './dice';
import { payoutOf } from './payouts';
import { LOSE, MOVE, nextInSeatOrder, nextPhase, PUSH, settle, STAND, WIN, winRatio } from './rules';
import { Bet, BetId, BetRequest, Dice, PlayerId, PointNumber, Resolution, RollResult, Table } from './types';

const BET_KEYS: ReadonlySet<string> = new Set(['betId', 'playerId', 'type', 'number', 'amount', 'point']);

/**
 * A bet on the layout, in the one shape `applyRoll` returns moved bets in: all six fields, in
 * this order, `number` undefined and `point` null when they do not apply. Bets that share one
 * shape keep the hot loop monomorphic; mixed shapes (e.g. from object spreads) still work but
 * can be several times slower.
 */
export function createBet(request: BetRequest, betId: BetId): Bet {
  return { betId, playerId: request.playerId, type: request.type, number: request.number, amount: request.amount, point: null };
}

/** `bet` moved to `point`: in the canonical shape, unless it carries fields of the caller's, which are kept. */
function movedTo(bet: Bet, point: PointNumber): Bet {
  for (const key in bet) if (!BET_KEYS.has(key)) return { ...bet, point };
  return { betId: bet.betId, playerId: bet.playerId, type: bet.type, number: bet.number, amount: bet.amount, point };
}

/** A table before its first roll: come-out, no point, the first seat shoots. */
export function createTable(seats: readonly PlayerId[], shooter: PlayerId | null = seats[0] ?? null): Table {
  return { phase: 'come-out', point: null, seats: [...seats], shooter, rollCount: 0 };
}

/**
 * Applies one roll to the table and its open bets. Pure: neither argument is changed.
 *
 * Every input bet ends up in exactly one of `resolutions` (settled: win, lose or push) and
 * `standing` (still on the layout). Come and don't-come bets that move to a number stand, as a
 * copy carrying their `point`, and are also listed in `moved`. Bets that did not change are
 * returned as the same objects.
 *
 * Throws a RangeError on dice that are not two integers 1..6 (a bug, not a player error).
 */
export function applyRoll(table: Table, openBets: readonly Bet[], dice: Dice): RollResult {
  if (!isDice(dice)) throw new RangeError(`invalid dice: ${JSON.stringify(dice)}`);
  const total = dice[0] + dice[1];
  const hard = dice[0] === dice[1];
  const phase = table.phase;
  const tablePoint = table.point;

  const resolutions: Resolution[] = [];
  const standing: Bet[] = [];
  const moved: Bet[] = [];

  for (let i = 0; i < openBets.length; i++) {
    const bet = openBets[i] as Bet;
    const verdict = settle(bet.type, bet.number, bet.point, phase, tablePoint, total, hard);
    switch (verdict) {
      case STAND:
        standing.push(bet);
        break;
      case MOVE: {
        const next = movedTo(bet, total as PointNumber);
        standing.push(next);
        moved.push(next);
        break;
      }
      case WIN:
        resolutions.push(resolution(bet, 'win', payoutOf(bet.amount, winRatio(bet.type, bet.number, tablePoint, total))));
        break;
      case LOSE:
        resolutions.push(resolution(bet, 'lose', 0));
        break;
      case PUSH:
        resolutions.push(resolution(bet, 'push', 0));
        break;
    }
  }

  const sevenOut = phase === 'point' && total === 7;
  const nextShooter = sevenOut ? nextInSeatOrder(table.seats, table.shooter) : null;
  const { phase: nextTablePhase, point } = nextPhase(phase, tablePoint, total);
  const nextTable: Table = {
    phase: nextTablePhase,
    point,
    seats: table.seats,
    shooter: sevenOut ? nextShooter : table.shooter,
    rollCount: table.rollCount + 1,
  };
  return { table: nextTable, dice, total, hard, resolutions, moved, standing, sevenOut, nextShooter };
}

function resolution(bet: Bet, outcome: Resolution['outcome'], payout: number): Resolution {
  return {
    betId: bet.betId,
    playerId: bet.playerId,
    type: bet.type,
    number: bet.number,
    outcome,
    amount: bet.amount,
    payout,
  };
}
