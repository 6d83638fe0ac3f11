/**
 * @bitcraps/messaging: the NATS JetStream transport for Nest (server strategy and
 * client proxy), stream and consumer provisioning, trace propagation, dead letters,
 * and KV documents written with compare-and-set. Depends on contracts; knows no domain.
 */
export { connectNats } from './connection';
export { Semaphore, KeyedQueue, waitFor } from './concurrency';
export { ensureStreams, ensureServiceConsumer, DUPLICATE_WINDOW_MS, DEFAULT_CONSUMER_SETTINGS, type ConsumerSettings } from './provisioning';
export { injectTraceContext, extractTraceContext, inMessageSpan, sagaIdOf, type ConsumedMessage } from './trace-context';
export { toNatsHeaders, readEnvelope } from './nats-headers';
export { OnCommand, OnQuery, type HandlerExtras } from './decorators';
export { JetStreamContext } from './jetstream.context';
export { JetStreamServer, redeliveryDelayMs, DEFAULT_RETRY_BASE_MS, type JetStreamServerOptions } from './jetstream.server';
export { JetStreamClientProxy, ReplyTimeoutError, type JetStreamClientOptions, type SendOptions } from './jetstream.client';
export { openBucket, KvDocuments, isRevisionConflict, type KvDocumentsOptions, type UpdateOptions } from './kv-store';
