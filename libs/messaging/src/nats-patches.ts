import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RequestOne } from '@nats-io/nats-core/internal';

/**
 * nats.js 3.3.1 ends every answered request (each KV read and write, each acked
 * publish) by rejecting its already-resolved promise with `new RequestError("cancelled")`
 * (RequestOne.cancel, called from resolver): a stack capture per request that nobody
 * can see. In the join benchmark's profiles it was 4 to 6 % of each service's CPU. This
 * skips that one allocation: a request that was answered is cancelled without a reason;
 * a real cancellation (or a failure) still rejects as before. Applied only to the
 * version it was written for (see package.json): on any other it does nothing.
 */
export const PATCHED_NATS_CORE = '3.3.1';

const SETTLED = Symbol('bitcraps.settled');
let applied: boolean | undefined;

type Patchable = {
  [SETTLED]?: boolean;
  timer?: { cancel(): void };
  mux: { cancel(r: unknown): void };
};

export function applyNatsPatches(version: string = natsCoreVersion()): boolean {
  if (applied !== undefined) return applied;
  const proto = RequestOne.prototype as unknown as Record<string, (...args: unknown[]) => void>;
  const { resolver, cancel } = proto;
  applied = version === PATCHED_NATS_CORE && typeof resolver === 'function' && typeof cancel === 'function';
  if (!applied) return false;
  proto.resolver = function (this: Patchable, ...args: unknown[]) {
    this[SETTLED] = true;
    return resolver!.apply(this, args);
  };
  proto.cancel = function (this: Patchable, err?: unknown) {
    if (err !== undefined || !this[SETTLED]) return cancel!.call(this, err);
    // answered: what cancel does, minus rejecting a settled promise with a fresh Error
    this.timer?.cancel();
    this.mux.cancel(this);
  };
  return true;
}

/** The installed version (the package does not export its package.json). */
function natsCoreVersion(): string {
  const main = require.resolve('@nats-io/nats-core'); // <package>/lib/mod.js
  return (JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string }).version;
}
