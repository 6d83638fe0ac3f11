/**
 * The vocabulary of the craps rules: bets, the table, dice and the result of a roll.
 * Everything here is plain, serialisable data; the functions of this library never
 * mutate their arguments.
 */

/** Every bet type of CRAPS.md, in the order of its table. */
export const BET_TYPES = [
  'pass',
  'dont_pass',
  'come',
  'dont_come',
  'pass_odds',
  'dont_pass_odds',
  'come_odds',
  'dont_come_odds',
  'place',
  'hardway',
  'field',
  'any_seven',
  'any_craps',
  'yo',
  'ace_deuce',
  'aces',
  'boxcars',
  'big_6',
  'big_8',
] as const;

export type BetType = (typeof BET_TYPES)[number];

/** The box numbers: a come-out roll of one of these becomes the point. */
export const POINT_NUMBERS = [4, 5, 6, 8, 9, 10] as const;
export type PointNumber = (typeof POINT_NUMBERS)[number];

/** Numbers a hardway bet may be on. */
export const HARDWAY_NUMBERS = [4, 6, 8, 10] as const;
export type HardwayNumber = (typeof HARDWAY_NUMBERS)[number];

export type Phase = 'come-out' | 'point';

export type PlayerId = string;
export type BetId = string;

export type Die = 1 | 2 | 3 | 4 | 5 | 6;
/** Two dice, each 1..6. */
export type Dice = readonly [Die, Die];

/** A bet as a player asks for it, before it is on the layout. */
export interface BetRequest {
  readonly playerId: PlayerId;
  readonly type: BetType;
  /**
   * `place`: 4, 5, 6, 8, 9, 10. `hardway`: 4, 6, 8, 10. `come_odds` / `dont_come_odds`:
   * the point of the player's come / don't-come bet it backs. Absent for every other type.
   */
  readonly number?: number;
  /** Stake in whole chips. */
  readonly amount: number;
}

/** A bet on the layout. */
export interface Bet extends BetRequest {
  readonly betId: BetId;
  /**
   * `come` and `dont_come` only: the number the bet has moved to (its own point), once it
   * has; absent or null while it waits for its first roll. Ignored on every other type.
   */
  readonly point?: PointNumber | null;
}

/** The state of a table between rolls. Invariant: `phase === 'come-out'` ⇔ `point === null`. */
export interface Table {
  readonly phase: Phase;
  readonly point: PointNumber | null;
  /** Players in seat order; the dice pass along it, wrapping. */
  readonly seats: readonly PlayerId[];
  readonly shooter: PlayerId | null;
  /** Rolls applied so far. */
  readonly rollCount: number;
}

export type Outcome = 'win' | 'lose' | 'push';

/** How one bet was settled by a roll. */
export interface Resolution {
  readonly betId: BetId;
  readonly playerId: PlayerId;
  readonly type: BetType;
  readonly number?: number;
  readonly outcome: Outcome;
  /** The stake. Returned to the player on `win` and `push`, kept by the house on `lose`. */
  readonly amount: number;
  /** Winnings on top of the returned stake, rounded down to whole chips; 0 unless `win`. */
  readonly payout: number;
}

export interface RollResult {
  /** The table after the roll. */
  readonly table: Table;
  readonly dice: Dice;
  readonly total: number;
  /** The dice show a pair. */
  readonly hard: boolean;
  /** One per bet the roll settled, in the order of the input bets. */
  readonly resolutions: Resolution[];
  /** `come` / `dont_come` bets that moved to a number on this roll, carrying their new `point`. */
  readonly moved: Bet[];
  /** Every bet still on the layout after the roll (moved ones with their point), in input order. */
  readonly standing: Bet[];
  /** The roll was a 7 in the point phase. */
  readonly sevenOut: boolean;
  /** On a seven-out, the player the dice pass to (next in seat order, wrapping); otherwise null. */
  readonly nextShooter: PlayerId | null;
}

/** A payout ratio `num:den`: winnings = stake × num / den. */
export interface Ratio {
  readonly num: number;
  readonly den: number;
}

/** Maximum odds multiple per point, e.g. 3-4-5: `{4: 3, 5: 4, 6: 5, 8: 5, 9: 4, 10: 3}`. */
export type OddsMultiples = Readonly<Record<PointNumber, number>>;

/** Per-table limits. */
export interface TableConfig {
  /** Smallest stake of any bet (odds included). Default 1. */
  readonly minBet: number;
  /** Largest stake of a non-odds bet. Default 10 000. */
  readonly maxBet: number;
  /** Most open bets one player may have on the layout. Default 50. */
  readonly maxBetsPerPlayer: number;
  /** Bet types the table accepts. Default: all of BET_TYPES. */
  readonly allowedBets: readonly BetType[];
  /** Odds cap as a multiple of the backed bet's stake. Default 3-4-5. */
  readonly maxOdds: OddsMultiples;
}

export type BetErrorCode = 'BET_NOT_ALLOWED' | 'BET_LIMIT';

/** Which rule refused a bet; the `code` is what crosses the wire, `reason` is for logs and tests. */
export type BetRefusalReason =
  | 'UNKNOWN_TYPE'
  | 'TYPE_NOT_ALLOWED'
  | 'BAD_NUMBER'
  | 'WRONG_PHASE'
  | 'NO_BASE_BET'
  | 'BAD_STAKE'
  | 'BELOW_MIN'
  | 'ABOVE_MAX'
  | 'ODDS_ABOVE_MAX'
  | 'TOO_MANY_BETS';

export type BetValidation =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: BetErrorCode;
      readonly reason: BetRefusalReason;
      readonly message: string;
    };
