/**
 * Redis helpers shared by the services (DESIGN.md section 7): timeouts in sorted sets
 * swept atomically by any number of replicas, and fenced locks. Redis holds nothing
 * that money depends on: owners keep deadlines and fencing tokens in their own state.
 */
export { RedisScript } from './script';
export { RedisTimeouts, TimeoutSweeper, type DueTimeout, type TimeoutHandler, type TimeoutSweeperOptions } from './timeouts';
export { RedisLocks, LockTimeoutError, StaleFenceError, assertFreshFence, type Lease, type LockOptions } from './locks';
