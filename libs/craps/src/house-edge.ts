import { Fraction } from './fraction';
import { payoutRatio } from './payouts';
import { MOVE, nextPhase, PUSH, settle, STAND, WIN, winRatio } from './rules';
import { Bet, BetType, Phase, PointNumber, Table } from './types';

/** The table state a bet is evaluated from. */
export interface EdgeStart {
  readonly phase: Phase;
  readonly point: PointNumber | null;
}

export interface HouseEdgeOptions {
  /** Table state when the bet is made; defaults to the bet's natural one (see houseEdge). */
  readonly start?: EdgeStart;
}

const NUMBERED: ReadonlySet<BetType> = new Set<BetType>(['pass_odds', 'dont_pass_odds', 'come_odds', 'dont_come_odds', 'place', 'hardway']);

function naturalStart(type: BetType, number: number | undefined): EdgeStart {
  switch (type) {
    case 'pass_odds':
    case 'dont_pass_odds':
      return { phase: 'point', point: number as PointNumber };
    case 'come':
    case 'dont_come':
    case 'come_odds':
    case 'dont_come_odds':
    case 'place':
    case 'hardway':
      return { phase: 'point', point: 4 };
    default:
      return { phase: 'come-out', point: null };
  }
}

/**
 * The exact house edge of a bet of `type`: minus its expected net win per chip staked, per bet
 * made (a push counts as resolved, worth 0). Found by enumerating the 36 outcomes of the dice
 * roll after roll and solving the resulting absorbing Markov chain in exact fractions, with the
 * very rules that settle bets in `applyRoll`. Payouts are taken at their exact ratio (rounding
 * down to whole chips depends on the stake, so it is not part of the edge; it only favours the house).
 *
 * `number`: the bet's number for `place`, `hardway`, `come_odds`, `dont_come_odds`; the table's
 * point for `pass_odds` and `dont_pass_odds`. Required for those types, refused for the others.
 *
 * Natural starting states: the come-out for `pass`, `dont_pass`, `big_6`, `big_8`, `field` and
 * the one-roll bets; the point phase for the others (`pass_odds` / `dont_pass_odds` with point
 * `number`, otherwise point 4, which those bets do not depend on). The table then evolves by the
 * rules, except for `place` and `hardway`: they are off on come-out rolls, and their edge (as in
 * CRAPS.md and every casino table) is the one while they are working, so the table is held in
 * the point phase for them.
 */
export function houseEdge(type: BetType, number?: number, options?: HouseEdgeOptions): Fraction;
/**
 * The exact house edge of `bet` as it stands on `table`: the same solution, started from the
 * table's phase and point and, for a `come` or `dont_come` bet that has moved, from its own
 * point. A `place` or `hardway` bet on a come-out table is off until the point phase; the
 * off rolls change nothing, so its edge is the one while working, as in CRAPS.md.
 */
export function houseEdge(bet: Pick<Bet, 'type' | 'number' | 'point'>, table: Pick<Table, 'phase' | 'point'>): Fraction;
export function houseEdge(
  first: BetType | Pick<Bet, 'type' | 'number' | 'point'>,
  second?: number | Pick<Table, 'phase' | 'point'>,
  options: HouseEdgeOptions = {},
): Fraction {
  if (typeof first === 'object') return edgeOnTable(first, second as Pick<Table, 'phase' | 'point'>);
  return edgeOf(first, second as number | undefined, options);
}

function edgeOnTable(bet: Pick<Bet, 'type' | 'number' | 'point'>, table: Pick<Table, 'phase' | 'point'>): Fraction {
  const { type } = bet;
  if ((table.phase === 'come-out') !== (table.point === null)) throw new RangeError('phase and point disagree');
  if (type === 'pass_odds' || type === 'dont_pass_odds') {
    if (table.point === null) throw new RangeError(`${type} stands only in the point phase`);
    return edgeOf(type, table.point);
  }
  if (type === 'place' || type === 'hardway') return edgeOf(type, bet.number);
  const number = bet.number;
  const betPoint = type === 'come' || type === 'dont_come' ? (bet.point ?? null) : null;
  if (NUMBERED.has(type) && payoutRatio(type, number) === undefined) throw new RangeError(`${type} needs one of its numbers, not ${number}`);
  return expectedValue(type, NUMBERED.has(type) ? number : undefined, { phase: table.phase, point: table.point }, false, betPoint).neg();
}

function edgeOf(type: BetType, number: number | undefined, options: HouseEdgeOptions = {}): Fraction {
  const numbered = NUMBERED.has(type);
  if (numbered && payoutRatio(type, number) === undefined) throw new RangeError(`${type} needs one of its numbers, not ${number}`);
  if (!numbered && number !== undefined) throw new RangeError(`${type} takes no number`);

  const isLineOdds = type === 'pass_odds' || type === 'dont_pass_odds';
  const natural = naturalStart(type, number);
  const start = options.start ?? natural;
  const frozen = type === 'place' || type === 'hardway';
  const betNumber = isLineOdds ? undefined : number;
  return expectedValue(type, betNumber, start, frozen).neg();
}

interface State {
  readonly phase: Phase;
  readonly point: number | null;
  readonly betPoint: number | null;
}

interface Row {
  /** Expected value of what resolves on the next roll. */
  constant: Fraction;
  /** Probability of standing in each other state after the next roll. */
  next: Map<string, Fraction>;
}

const keyOf = (s: State): string => `${s.phase}|${s.point}|${s.betPoint}`;
const P = Fraction.of(1, 36);

function expectedValue(type: BetType, number: number | undefined, start: EdgeStart, frozen: boolean, betPoint: number | null = null): Fraction {
  const states = new Map<string, State>();
  const rows = new Map<string, Row>();
  const first: State = { phase: start.phase, point: start.point, betPoint };
  const queue: State[] = [first];
  states.set(keyOf(first), first);

  while (queue.length > 0) {
    const s = queue.shift() as State;
    const row: Row = { constant: Fraction.ZERO, next: new Map() };
    rows.set(keyOf(s), row);
    for (let d1 = 1; d1 <= 6; d1++) {
      for (let d2 = 1; d2 <= 6; d2++) {
        const total = d1 + d2;
        const verdict = settle(type, number, s.betPoint, s.phase, s.point, total, d1 === d2);
        if (verdict === WIN) {
          const r = winRatio(type, number, s.point, total);
          row.constant = row.constant.add(P.mul(Fraction.of(r.num, r.den)));
        } else if (verdict === STAND || verdict === MOVE) {
          const table = frozen ? { phase: s.phase, point: s.point } : nextPhase(s.phase, s.point, total);
          const t: State = { ...table, betPoint: verdict === MOVE ? total : s.betPoint };
          const k = keyOf(t);
          if (!states.has(k)) {
            states.set(k, t);
            queue.push(t);
          }
          row.next.set(k, (row.next.get(k) ?? Fraction.ZERO).add(P));
        } else if (verdict !== PUSH) {
          row.constant = row.constant.sub(P); // LOSE
        }
      }
    }
  }
  return solve([...rows.keys()], rows)[0] as Fraction;
}

/** Solves x = constant + next·x for every state by Gauss-Jordan elimination on (I − next) x = constant. */
function solve(keys: string[], rows: Map<string, Row>): Fraction[] {
  const n = keys.length;
  const index = new Map(keys.map((k, i) => [k, i]));
  const m: Fraction[][] = keys.map((k, i) => {
    const row = rows.get(k) as Row;
    const line = new Array<Fraction>(n + 1).fill(Fraction.ZERO);
    line[i] = Fraction.ONE;
    for (const [to, p] of row.next) {
      const j = index.get(to) as number;
      line[j] = (line[j] as Fraction).sub(p);
    }
    line[n] = row.constant;
    return line;
  });
  for (let c = 0; c < n; c++) {
    const pivot = m.findIndex((line, r) => r >= c && !(line[c] as Fraction).isZero());
    if (pivot < 0) throw new RangeError('the bet never resolves from this starting state');
    [m[c], m[pivot]] = [m[pivot] as Fraction[], m[c] as Fraction[]];
    const lead = m[c] as Fraction[];
    const inv = Fraction.ONE.div(lead[c] as Fraction);
    for (let j = c; j <= n; j++) lead[j] = (lead[j] as Fraction).mul(inv);
    for (let r = 0; r < n; r++) {
      const line = m[r] as Fraction[];
      const f = line[c] as Fraction;
      if (r === c || f.isZero()) continue;
      for (let j = c; j <= n; j++) line[j] = (line[j] as Fraction).sub(f.mul(lead[j] as Fraction));
    }
  }
  return m.map((line) => line[n] as Fraction);
}
