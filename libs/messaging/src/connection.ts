import { connect, type NatsConnection } from '@nats-io/transport-node';
import { applyNatsPatches } from './nats-patches';

/**
 * One NATS connection that never gives up: it waits for a server that is not up yet and
 * reconnects forever after a restart, so a service rides out a NATS outage.
 */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  applyNatsPatches();
  return connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    pingInterval: 5_000,
    // nats.js otherwise builds two Errors (stack captures) per request to decorate a
    // failure that rarely comes; a service makes several requests per command (KV writes,
    // acked publishes), and the bench profile showed them as a tenth of the orchestrator's CPU
    noAsyncTraces: true,
  });
}
