/**
 * @bitcraps/contracts: everything that crosses a process boundary, as zod schemas and
 * inferred types: the envelope, error codes, subjects, commands, replies, events and
 * HTTP bodies. Plain data; depends on zod only.
 */
export * from './errors';
export * from './money';
export * from './ids';
export * from './envelope';
export * from './subject';
export * from './game-settings';
export * from './player.contracts';
export * from './lifecycle.contracts';
export * from './consensus.contracts';
export * from './public-key';
export * from './treasury.contracts';
export * from './stats.contracts';
export * from './orchestrator.contracts';
export * from './http.contracts';
