import { Dice } from './types';

function isDie(x: unknown): boolean {
  return x === 1 || x === 2 || x === 3 || x === 4 || x === 5 || x === 6;
}

/** True when `x` is a pair of integers 1..6. */
export function isDice(x: unknown): x is Dice {
  return Array.isArray(x) && x.length === 2 && isDie(x[0]) && isDie(x[1]);
}
