import { applyRoll, createBet, createTable } from './apply-roll';
import { Bet, BET_TYPES, BetType, Dice, Die, Phase, PointNumber, Table } from './types';

/**
 * Every bet type against every one of the 36 dice, in the come-out and in the point phase.
 * A row lists what a roll of each total 2..12 does to the bet, staked at 60 chips:
 *   W<n> wins n chips on top of the stake · L loses · P pushes · . stands · M moves to the total
 * Hardways read their `hard` row when the dice are a pair.
 */
const TOTALS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
const STAKE = 60;

/** A row: `cells` by total, every other total standing. */
function row(cells: Partial<Record<number, string>>, rest = '.'): string {
  return TOTALS.map((t) => cells[t] ?? rest).join(' ');
}
const STANDS = row({});

type Context = 'come-out' | 'point 4' | 'point 5' | 'point 6' | 'point 8' | 'point 9' | 'point 10';
interface Case {
  readonly name: string;
  readonly bet: { type: BetType; number?: number; point?: PointNumber };
  readonly rows: Partial<Record<Context, string>>;
  readonly hard?: Partial<Record<Context, string>>;
}

const BOTH = (r: string): Partial<Record<Context, string>> => ({ 'come-out': r, 'point 6': r });

const CASES: Case[] = [
  {
    name: 'pass',
    bet: { type: 'pass' },
    rows: {
      'come-out': 'L L . . . W60 . . . W60 L',
      'point 4': row({ 4: 'W60', 7: 'L' }),
      'point 6': '. . . . W60 L . . . . .',
      'point 9': row({ 9: 'W60', 7: 'L' }),
    },
  },
  {
    name: 'dont_pass',
    bet: { type: 'dont_pass' },
    rows: {
      'come-out': 'W60 W60 . . . L . . . L P',
      'point 6': '. . . . L W60 . . . . .',
      'point 10': row({ 10: 'L', 7: 'W60' }),
    },
  },
  { name: 'come before it moves', bet: { type: 'come' }, rows: BOTH('L L M M M W60 M M M W60 L') },
  { name: 'come on 5', bet: { type: 'come', point: 5 }, rows: BOTH('. . . W60 . L . . . . .') },
  { name: 'come on 10', bet: { type: 'come', point: 10 }, rows: BOTH(row({ 10: 'W60', 7: 'L' })) },
  { name: 'dont_come before it moves', bet: { type: 'dont_come' }, rows: BOTH('W60 W60 M M M L M M M L P') },
  { name: 'dont_come on 5', bet: { type: 'dont_come', point: 5 }, rows: BOTH('. . . L . W60 . . . . .') },
  { name: 'dont_come on 8', bet: { type: 'dont_come', point: 8 }, rows: BOTH(row({ 8: 'L', 7: 'W60' })) },
  {
    name: 'pass_odds',
    bet: { type: 'pass_odds' },
    rows: {
      'come-out': STANDS,
      'point 4': row({ 4: 'W120', 7: 'L' }),
      'point 5': row({ 5: 'W90', 7: 'L' }),
      'point 6': row({ 6: 'W72', 7: 'L' }),
      'point 8': row({ 8: 'W72', 7: 'L' }),
      'point 9': row({ 9: 'W90', 7: 'L' }),
      'point 10': row({ 10: 'W120', 7: 'L' }),
    },
  },
  {
    name: 'dont_pass_odds',
    bet: { type: 'dont_pass_odds' },
    rows: {
      'come-out': STANDS,
      'point 4': row({ 4: 'L', 7: 'W30' }),
      'point 5': row({ 5: 'L', 7: 'W40' }),
      'point 6': row({ 6: 'L', 7: 'W50' }),
      'point 8': row({ 8: 'L', 7: 'W50' }),
      'point 9': row({ 9: 'L', 7: 'W40' }),
      'point 10': row({ 10: 'L', 7: 'W30' }),
    },
  },
  ...([
    [4, 'W120'],
    [5, 'W90'],
    [6, 'W72'],
    [8, 'W72'],
    [9, 'W90'],
    [10, 'W120'],
  ] as const).map(([n, w]): Case => ({
    name: `come_odds on ${n}`,
    bet: { type: 'come_odds', number: n },
    rows: BOTH(row({ [n]: w, 7: 'L' })),
  })),
  ...([
    [4, 'W30'],
    [5, 'W40'],
    [6, 'W50'],
    [8, 'W50'],
    [9, 'W40'],
    [10, 'W30'],
  ] as const).map(([n, w]): Case => ({
    name: `dont_come_odds on ${n}`,
    bet: { type: 'dont_come_odds', number: n },
    rows: BOTH(row({ [n]: 'L', 7: w })),
  })),
  ...([
    [4, 'W108'],
    [5, 'W84'],
    [6, 'W70'],
    [8, 'W70'],
    [9, 'W84'],
    [10, 'W108'],
  ] as const).map(([n, w]): Case => ({
    name: `place ${n}`,
    bet: { type: 'place', number: n },
    rows: { 'come-out': STANDS, 'point 6': row({ [n]: w, 7: 'L' }), 'point 9': row({ [n]: w, 7: 'L' }) },
  })),
  ...([
    [4, 'W420'],
    [6, 'W540'],
    [8, 'W540'],
    [10, 'W420'],
  ] as const).map(([n, w]): Case => ({
    name: `hardway ${n}`,
    bet: { type: 'hardway', number: n },
    rows: { 'come-out': STANDS, 'point 6': row({ [n]: 'L', 7: 'L' }), 'point 10': row({ [n]: 'L', 7: 'L' }) },
    hard: { 'come-out': STANDS, 'point 6': row({ [n]: w }), 'point 10': row({ [n]: w }) },
  })),
  { name: 'field', bet: { type: 'field' }, rows: BOTH('W120 W60 W60 L L L L W60 W60 W60 W180') },
  { name: 'any_seven', bet: { type: 'any_seven' }, rows: BOTH(row({ 7: 'W240' }, 'L')) },
  { name: 'any_craps', bet: { type: 'any_craps' }, rows: BOTH(row({ 2: 'W420', 3: 'W420', 12: 'W420' }, 'L')) },
  { name: 'yo', bet: { type: 'yo' }, rows: BOTH(row({ 11: 'W900' }, 'L')) },
  { name: 'ace_deuce', bet: { type: 'ace_deuce' }, rows: BOTH(row({ 3: 'W900' }, 'L')) },
  { name: 'aces', bet: { type: 'aces' }, rows: BOTH(row({ 2: 'W1800' }, 'L')) },
  { name: 'boxcars', bet: { type: 'boxcars' }, rows: BOTH(row({ 12: 'W1800' }, 'L')) },
  { name: 'big_6', bet: { type: 'big_6' }, rows: BOTH('. . . . W60 L . . . . .') },
  { name: 'big_8', bet: { type: 'big_8' }, rows: BOTH('. . . . . L W60 . . . .') },
];

const ALL_DICE: Dice[] = [];
for (let a = 1; a <= 6; a++) for (let b = 1; b <= 6; b++) ALL_DICE.push([a as Die, b as Die]);

function tableIn(context: Context): Table {
  const phase: Phase = context === 'come-out' ? 'come-out' : 'point';
  const point = context === 'come-out' ? null : (Number(context.slice(6)) as PointNumber);
  return { ...createTable(['alice', 'bob']), phase, point };
}

/** What the roll did to the one bet, in the notation of the rows. */
function observe(table: Table, bet: Bet, dice: Dice): string {
  const result = applyRoll(table, [bet], dice);
  const settled = result.resolutions.filter((r) => r.betId === bet.betId);
  const left = result.standing.filter((b) => b.betId === bet.betId);
  if (settled.length + left.length !== 1) return `?${settled.length}+${left.length}`;
  const [resolution] = settled;
  if (resolution !== undefined) {
    expect(resolution).toMatchObject({ betId: bet.betId, playerId: bet.playerId, type: bet.type, amount: STAKE, number: bet.number });
    if (resolution.outcome === 'win') return `W${resolution.payout}`;
    expect(resolution.payout).toBe(0);
    return resolution.outcome === 'lose' ? 'L' : 'P';
  }
  const [standing] = left as [Bet];
  if (standing === bet) return '.';
  const moved = result.moved.find((b) => b.betId === bet.betId);
  expect({ ...standing, point: bet.point }).toEqual(bet);
  return moved === standing && standing.point === result.total ? 'M' : `?moved to ${standing.point}`;
}

describe('applyRoll: every bet against every roll', () => {
  it('covers every bet type', () => {
    expect(new Set(CASES.map((c) => c.bet.type))).toEqual(new Set(BET_TYPES));
  });

  const runs = CASES.flatMap((c) => (Object.keys(c.rows) as Context[]).map((context) => [c.name, context, c] as const));
  it.each(runs)('%s in %s', (_name, context, c) => {
    const bet: Bet = { betId: 'b1', playerId: 'alice', amount: STAKE, ...c.bet };
    const table = tableIn(context);
    const mismatches: string[] = [];
    for (const dice of ALL_DICE) {
      const hard = dice[0] === dice[1];
      const expectedRow = (hard ? c.hard?.[context] : undefined) ?? (c.rows[context] as string);
      const expected = expectedRow.split(' ')[dice[0] + dice[1] - 2];
      const actual = observe(table, bet, dice);
      if (actual !== expected) mismatches.push(`${dice[0]}-${dice[1]}: expected ${expected}, got ${actual}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('applyRoll: the table', () => {
  const seats = ['alice', 'bob', 'carol'];
  const comeOut: Table = { ...createTable(seats), shooter: 'bob', rollCount: 7 };
  const onSix: Table = { ...comeOut, phase: 'point', point: 6 };

  it.each([
    [[1, 1], 'come-out', null],
    [[1, 2], 'come-out', null],
    [[2, 2], 'point', 4],
    [[2, 3], 'point', 5],
    [[3, 3], 'point', 6],
    [[3, 4], 'come-out', null],
    [[4, 4], 'point', 8],
    [[4, 5], 'point', 9],
    [[4, 6], 'point', 10],
    [[5, 6], 'come-out', null],
    [[6, 6], 'come-out', null],
  ] as [Dice, Phase, number | null][])('come-out roll %j leaves phase %s, point %s, same shooter', (dice, phase, point) => {
    const result = applyRoll(comeOut, [], dice);
    expect(result.table).toEqual({ ...comeOut, phase, point, rollCount: 8 });
    expect(result.sevenOut).toBe(false);
    expect(result.nextShooter).toBeNull();
  });

  it.each([
    [[1, 1], 'point', 6, false],
    [[1, 2], 'point', 6, false],
    [[2, 2], 'point', 6, false],
    [[1, 5], 'come-out', null, false],
    [[3, 3], 'come-out', null, false],
    [[3, 4], 'come-out', null, true],
    [[6, 1], 'come-out', null, true],
    [[4, 4], 'point', 6, false],
    [[5, 6], 'point', 6, false],
    [[6, 6], 'point', 6, false],
  ] as [Dice, Phase, number | null, boolean][])('point-phase roll %j leaves phase %s, point %s (seven-out: %s)', (dice, phase, point, sevenOut) => {
    const result = applyRoll(onSix, [], dice);
    expect(result.table).toEqual({ ...onSix, phase, point, rollCount: 8, shooter: sevenOut ? 'carol' : 'bob' });
    expect(result.sevenOut).toBe(sevenOut);
    expect(result.nextShooter).toBe(sevenOut ? 'carol' : null);
  });

  it('reports the total and whether the dice are a pair', () => {
    expect(applyRoll(onSix, [], [2, 2])).toMatchObject({ total: 4, hard: true, dice: [2, 2] });
    expect(applyRoll(onSix, [], [1, 3])).toMatchObject({ total: 4, hard: false, dice: [1, 3] });
  });

  it('passes the dice from the last seat back to the first', () => {
    const result = applyRoll({ ...onSix, shooter: 'carol' }, [], [5, 2]);
    expect(result.nextShooter).toBe('alice');
    expect(result.table.shooter).toBe('alice');
  });

  it('passes the dice to the first seat when the shooter is no longer seated, and to nobody at an empty table', () => {
    expect(applyRoll({ ...onSix, shooter: 'dave' }, [], [5, 2]).nextShooter).toBe('alice');
    expect(applyRoll({ ...onSix, seats: [], shooter: null }, [], [5, 2]).nextShooter).toBeNull();
  });

  it('keeps the dice with a lone shooter', () => {
    expect(applyRoll({ ...onSix, seats: ['alice'], shooter: 'alice' }, [], [5, 2]).nextShooter).toBe('alice');
  });

  it('refuses dice that are not two integers 1..6', () => {
    for (const dice of [[0, 1], [1, 7], [1.5, 2], [1], [1, 2, 3], 'ab', null]) {
      expect(() => applyRoll(onSix, [], dice as unknown as Dice)).toThrow(RangeError);
    }
  });
});

describe('applyRoll: scenarios', () => {
  const seats = ['alice', 'bob'];
  const bet = (betId: string, type: BetType, amount: number, extra: Partial<Bet> = {}): Bet => ({ betId, playerId: 'alice', type, amount, ...extra });

  it('plays a round: pass with odds, a come bet that travels, place bets off on the come-out', () => {
    let table = createTable(seats);
    let bets: Bet[] = [bet('pass', 'pass', 10), bet('place8', 'place', 12, { number: 8 })];

    // Come-out 5: point 5; the place bet is off.
    let r = applyRoll(table, bets, [2, 3]);
    expect(r.table).toMatchObject({ phase: 'point', point: 5 });
    expect(r.resolutions).toEqual([]);
    ({ table } = r);
    bets = [...r.standing, bet('odds', 'pass_odds', 20), bet('come', 'come', 10)];

    // 8: the place bet wins 14, the come bet moves to 8.
    r = applyRoll(table, bets, [5, 3]);
    expect(r.resolutions).toEqual([expect.objectContaining({ betId: 'place8', outcome: 'win', payout: 14 })]);
    expect(r.moved).toEqual([{ ...bet('come', 'come', 10), point: 8 }]);
    expect(r.standing.map((b) => b.betId)).toEqual(['pass', 'odds', 'come']);
    ({ table } = r);
    bets = [...r.standing, bet('codds', 'come_odds', 25, { number: 8 })];

    // 5: point made; pass wins 10, odds win 30 (3:2), the come bet on 8 and its odds stay.
    r = applyRoll(table, bets, [4, 1]);
    expect(r.table).toMatchObject({ phase: 'come-out', point: null, shooter: 'alice' });
    expect(r.resolutions.map((x) => [x.betId, x.outcome, x.payout])).toEqual([
      ['pass', 'win', 10],
      ['odds', 'win', 30],
    ]);
    expect(r.standing.map((b) => b.betId)).toEqual(['come', 'codds']);
    ({ table } = r);

    // Come-out 7: the come bet on 8 and its (working) odds lose; no seven-out, same shooter.
    r = applyRoll(table, r.standing, [3, 4]);
    expect(r.sevenOut).toBe(false);
    expect(r.table.shooter).toBe('alice');
    expect(r.resolutions.map((x) => [x.betId, x.outcome])).toEqual([
      ['come', 'lose'],
      ['codds', 'lose'],
    ]);
  });

  it('wins a come bet on its number on a come-out roll, with its odds', () => {
    const table: Table = createTable(seats);
    const r = applyRoll(table, [bet('c', 'come', 10, { point: 6 }), bet('o', 'come_odds', 50, { number: 6 })], [4, 2]);
    expect(r.resolutions.map((x) => [x.betId, x.outcome, x.payout])).toEqual([
      ['c', 'win', 10],
      ['o', 'win', 60],
    ]);
    expect(r.table).toMatchObject({ phase: 'point', point: 6 });
  });

  it('rounds fractional payouts down: 3:2 on 5 chips pays 7', () => {
    const table: Table = { ...createTable(seats), phase: 'point', point: 5 };
    const r = applyRoll(table, [bet('o', 'pass_odds', 5)], [4, 1]);
    expect(r.resolutions[0]).toMatchObject({ outcome: 'win', payout: 7 });
  });

  it('settles a seven-out: line and come bets, place and hardways lose, don\'ts win, one-roll bets settle', () => {
    const table: Table = { ...createTable(seats), phase: 'point', point: 9, shooter: 'alice' };
    const bets = [
      bet('p', 'pass', 10),
      bet('dp', 'dont_pass', 10),
      bet('dpo', 'dont_pass_odds', 30),
      bet('c', 'come', 10),
      bet('c4', 'come', 10, { point: 4 }),
      bet('dc4', 'dont_come', 10, { point: 4 }),
      bet('pl', 'place', 10, { number: 6 }),
      bet('hw', 'hardway', 10, { number: 8 }),
      bet('s', 'any_seven', 10),
      bet('f', 'field', 10),
    ];
    const r = applyRoll(table, bets, [1, 6]);
    expect(r.sevenOut).toBe(true);
    expect(r.nextShooter).toBe('bob');
    expect(r.standing).toEqual([]);
    expect(r.resolutions.map((x) => [x.betId, x.outcome, x.payout])).toEqual([
      ['p', 'lose', 0],
      ['dp', 'win', 10],
      ['dpo', 'win', 20],
      ['c', 'win', 10],
      ['c4', 'lose', 0],
      ['dc4', 'win', 10],
      ['pl', 'lose', 0],
      ['hw', 'lose', 0],
      ['s', 'win', 40],
      ['f', 'lose', 0],
    ]);
  });

  it('leaves its arguments unchanged and returns unchanged bets as the same objects', () => {
    const table = Object.freeze({ ...createTable(seats), phase: 'point', point: 6 } as Table);
    const bets = [bet('p', 'pass', 10), bet('c', 'come', 10)].map((b) => Object.freeze(b));
    const r = applyRoll(table, Object.freeze(bets), [2, 2]);
    expect(r.standing[0]).toBe(bets[0]);
    expect(r.standing[1]).not.toBe(bets[1]);
    expect(bets[1]?.point).toBeUndefined();
  });

  it('moves bets in the canonical shape of createBet, keeping any field of the caller\'s', () => {
    const table: Table = { ...createTable(seats), phase: 'point', point: 6 };
    const plain = createBet({ playerId: 'alice', type: 'come', amount: 10 }, 'c1');
    expect(plain).toEqual({ betId: 'c1', playerId: 'alice', type: 'come', number: undefined, amount: 10, point: null });
    const tagged = { ...bet('c2', 'dont_come', 10), sagaId: 's-9' } as Bet;
    const r = applyRoll(table, [plain, tagged], [4, 5]);
    expect(r.moved).toEqual([
      { betId: 'c1', playerId: 'alice', type: 'come', number: undefined, amount: 10, point: 9 },
      { betId: 'c2', playerId: 'alice', type: 'dont_come', amount: 10, point: 9, sagaId: 's-9' },
    ]);
    expect(Object.keys(r.moved[0] as Bet)).toEqual(Object.keys(plain));
  });
});
