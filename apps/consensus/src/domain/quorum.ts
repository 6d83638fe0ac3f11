import { isByzantine, type ConsensusGame, type Round } from './record';

/**
 * Quorum (DESIGN.md section 6): a round is final with valid signatures of its result from
 * more than two thirds of its voters (the house counts as one and always signs). Voters
 * are fixed when the dice come out (the participants with a key, the Byzantine excluded);
 * a voter proven Byzantine is excluded from the count and from `eligible` at once.
 */
export interface Tally {
  eligible: number;
  /** Smallest count with count × 3 > eligible × 2. */
  needed: number;
  valid: number;
  counted: Set<string>;
}

export function neededFor(eligible: number): number {
  return Math.floor((eligible * 2) / 3) + 1;
}

export const sameDice = (a: readonly number[], b: readonly number[] | null) => b !== null && a[0] === b[0] && a[1] === b[1];

export function tally(g: ConsensusGame, r: Round): Tally {
  const voters = r.voters.filter((v) => !isByzantine(g, v.voterId));
  const counted = new Set<string>();
  for (const v of r.votes) if (sameDice(v.dice, r.dice) && voters.some((x) => x.voterId === v.voterId)) counted.add(v.voterId);
  return { eligible: voters.length, needed: neededFor(voters.length), valid: counted.size, counted };
}
