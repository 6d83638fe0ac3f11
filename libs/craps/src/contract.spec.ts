import { createTable } from './apply-roll';
import { canRemoveBet, hasContractBets, isContractBet } from './contract';
import { Bet, BET_TYPES, BetType, Table } from './types';

const comeOut: Table = createTable(['alice', 'bob']);
const onFive: Table = { ...comeOut, phase: 'point', point: 5 };
const bet = (type: BetType, extra: Partial<Bet> = {}): Bet => ({ betId: type, playerId: 'alice', type, amount: 10, ...extra });

describe('contract bets', () => {
  it('a pass bet is a contract once the table has a point', () => {
    expect(isContractBet(bet('pass'), onFive)).toBe(true);
    expect(canRemoveBet(onFive, bet('pass'))).toBe(false);
    expect(isContractBet(bet('pass'), comeOut)).toBe(false);
    expect(canRemoveBet(comeOut, bet('pass'))).toBe(true);
  });

  it('a come bet is a contract once it has its own point, whatever the phase', () => {
    for (const table of [comeOut, onFive]) {
      expect(isContractBet(bet('come', { point: 9 }), table)).toBe(true);
      expect(canRemoveBet(table, bet('come', { point: 9 }))).toBe(false);
    }
    expect(isContractBet(bet('come'), onFive)).toBe(false);
    expect(isContractBet(bet('come', { point: null }), onFive)).toBe(false);
  });

  it('no other bet is a contract', () => {
    for (const type of BET_TYPES.filter((t) => t !== 'pass' && t !== 'come')) {
      const b = bet(type, { point: 6, number: 6 });
      expect(isContractBet(b, onFive)).toBe(false);
      expect(canRemoveBet(onFive, b)).toBe(true);
    }
  });

  it('a player with a contract bet cannot leave; others can', () => {
    const bets = [bet('pass'), bet('field', { playerId: 'bob' }), bet('come', { playerId: 'bob' })];
    expect(hasContractBets(bets, 'alice', onFive)).toBe(true);
    expect(hasContractBets(bets, 'alice', comeOut)).toBe(false);
    expect(hasContractBets(bets, 'bob', onFive)).toBe(false);
    expect(hasContractBets([bet('come', { playerId: 'bob', point: 4 })], 'bob', comeOut)).toBe(true);
  });
});
