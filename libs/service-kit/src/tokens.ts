/** Injection tokens of the shared service shell. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const REDIS = Symbol('REDIS');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const SERVICE_METRICS = Symbol('SERVICE_METRICS');
export const COMMAND_BUS = Symbol('COMMAND_BUS');
