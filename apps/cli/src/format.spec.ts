import { ApiFailure } from './client';
import { chips, formatBet, formatEvent, formatFailure, formatGame, formatJoin, formatPlayer, formatRoll, formatRound, formatSaga, formatStats, formatVerification } from './format';

const p1 = 'p_00000000-0000-4000-8000-000000000001';
const p2 = 'p_00000000-0000-4000-8000-000000000002';

describe('readable output', () => {
  it('chips with separators', () => {
    expect(chips(1_234_567)).toBe('1,234,567 chips');
    expect(chips(0)).toBe('0 chips');
    expect(chips(null)).toBe('—');
  });

  it('a player', () => {
    expect(formatPlayer({ playerId: p1, name: 'Ann', balance: 2500 })).toBe(`Ann (${p1})\n  wallet: 2,500 chips`);
  });

  it('a game: status, phase, point, shooter, players, bets, table limits', () => {
    const text = formatGame({
      gameId: 'g_1', status: 'open', phase: 'point', point: 6, shooter: p1, rollCount: 3,
      players: [{ playerId: p1, stack: 500 }, { playerId: p2, stack: 80 }],
      bets: [{ betId: 'b_1', playerId: p1, type: 'place', number: 8, amount: 12 }, { betId: 'b_2', playerId: p2, type: 'come', amount: 5, point: 9 }],
      config: { minBet: 1, maxBet: 10_000, minBuyIn: 10, maxBuyIn: 100_000, maxPlayers: 6, maxOdds: '3-4-5', consensus: 'house', private: true },
    });
    expect(text.split('\n')).toEqual([
      'game g_1',
      '  status: open   phase: point   point: 6   rolls: 3',
      `  shooter: ${p1}`,
      '  players (2):',
      `    ${p1}  stack 500 chips  (shooter)`,
      `    ${p2}  stack 80 chips`,
      '  bets (2):',
      `    b_1  ${p1}  place 8  12 chips`,
      `    b_2  ${p2}  come (on 9)  5 chips`,
      '  table: bets 1..10000, buy-in 10..100000, seats 6, odds 3-4-5, dice house, private',
    ]);
    expect(formatGame({ gameId: 'g_2', status: 'open', phase: 'come-out', point: null, shooter: null, rollCount: 0, players: [], bets: [] })).toContain('point: —');
  });

  it('saga answers: completed, or still running with how to follow', () => {
    expect(formatJoin({ sagaId: 's_1', status: 'completed', stack: 500 })).toBe('join: seated with a stack of 500 chips\n  saga s_1 completed');
    expect(formatBet({ sagaId: 's_2', status: 'completed', betId: 'b_9' }, 'pass', 10)).toBe('bet: pass for 10 chips is on the layout as b_9\n  saga s_2 completed');
    expect(formatJoin({ sagaId: 's_3', status: 'running' })).toBe('join: saga s_3 is still running; follow it with: bitcraps saga s_3');
  });

  it('a roll and how each bet resolved', () => {
    const text = formatRoll({
      sagaId: 's_1', status: 'completed', rollIndex: 4, dice: [3, 4], phase: 'come-out', point: null, shooter: p2,
      resolutions: [
        { betId: 'b_1', playerId: p1, type: 'pass', outcome: 'lose', amount: 10, payout: 0 },
        { betId: 'b_2', playerId: p2, type: 'any_seven', outcome: 'win', amount: 5, payout: 20 },
      ],
    });
    expect(text.split('\n')).toEqual([
      'roll #4: 3 + 4 = 7',
      `  phase: come-out   point: —   shooter: ${p2}`,
      '  bets resolved:',
      `    b_1  ${p1}  pass: loses 10 chips`,
      `    b_2  ${p2}  any_seven: wins 20 chips (stake 5 chips back)`,
    ]);
    expect(formatRoll({ sagaId: 's_1', status: 'running' })).toMatch(/still running/);
  });

  it('stats and sagas', () => {
    const text = formatStats({ totalGames: 3, activeGames: 2, closedGames: 1, totalRolls: 10, totalBets: 4, totalVolume: 100, houseProfit: -5, outcomes: { win: 1, lose: 2, push: 0 }, diceTotals: { '12': 1, '7': 2 }, seatedPlayers: 2, peakPlayers: 3, largestPot: 40 });
    expect(text).toContain('games: 3 (2 active, 1 closed)');
    expect(text).toContain('house profit: -5 chips');
    expect(text).toContain('dice totals: 7×2 12×1');
    expect(formatSaga({ sagaId: 's_1', type: 'bet', status: 'compensated', steps: [{ name: 'escrow', status: 'failed', attempts: 3 }], error: { step: 'escrow', code: 'HOUSE_CANNOT_COVER', message: 'too big' } })).toBe(
      's_1'.replace('s_1', 'saga s_1 (bet): compensated') + '\n  escrow: failed after 3 attempts\n  error at escrow: HOUSE_CANNOT_COVER: too big',
    );
  });

  it('events with the time, the event and compact data', () => {
    expect(formatEvent({ event: 'dice-rolled', data: '{ "dice": [1, 2] }' }, new Date('2030-01-01T12:34:56Z'))).toBe('12:34:56  dice-rolled  {"dice":[1,2]}');
    expect(formatEvent({ event: 'message', data: 'x'.repeat(500) }, new Date(0))).toMatch(/…$/);
  });

  it('an error with its code, status, message, issues and a hint', () => {
    expect(formatFailure(new ApiFailure(422, 'INSUFFICIENT_BALANCE', 'wallet has 5'))).toBe('error: INSUFFICIENT_BALANCE (422): wallet has 5');
    expect(formatFailure(new ApiFailure(400, 'VALIDATION_FAILED', 'invalid body', undefined, [{ path: ['maxPlayers'], message: 'too big' }]))).toBe(
      'error: VALIDATION_FAILED (400): invalid body\n  - maxPlayers: too big',
    );
    expect(formatFailure(new ApiFailure(401, 'UNAUTHORIZED', 'expired'))).toMatch(/hint: .*bitcraps register/);
    expect(formatFailure(new ApiFailure(429, 'RATE_LIMITED', 'too many', 7))).toMatch(/retry in 7 s/);
  });

  it('the round open for commitments: the house commitment in full, the players\' shortened', () => {
    const round = { gameId: 'g_1', rollIndex: 3, status: 'committing' as const, mode: 'quorum' as const, houseCommitment: 'c'.repeat(64), commitments: [{ playerId: 'p_1', commitment: 'd'.repeat(64), revealed: true }] };
    expect(formatRound(round)).toBe(
      [`roll #3 of g_1 (quorum table): committing`, `  house commitment ${'c'.repeat(64)}  (SHA-256 of the house seed; the proof of roll #3 must open it)`, `  p_1 committed ${'d'.repeat(16)}… (revealed)`].join('\n'),
    );
  });

    it('a verification', () => {
    const proof = { rollIndex: 2, houseCommitment: 'a'.repeat(64), houseSeed: 'b'.repeat(64), contributions: [], dice: [1, 2] };
    expect(formatVerification('g_1', proof, { ok: true, dice: [1, 2], problems: [] })).toMatch(/^roll #2 of g_1: VERIFIED/);
    expect(formatVerification('g_1', proof, { ok: false, dice: [3, 3], problems: ['bad'] })).toMatch(/DOES NOT VERIFY[\s\S]*recomputed \[3, 3\][\s\S]*problem: bad/);
  });
});
