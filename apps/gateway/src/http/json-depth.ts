/**
 * How deeply a request body may nest. Every body of the API is an object of scalars and
 * short lists (depth 3 at most); the limit leaves room and stops bodies that exist only
 * to exhaust the stack of whatever walks them next (canonical JSON, zod, logs).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a parsed JSON value (a scalar is 0, `[]` is 1), counted without
 * recursion so that the check itself cannot overflow; it stops once past `limit`.
 */
export function jsonDepthExceeds(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
