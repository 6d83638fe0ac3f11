import { Kvm } from '@nats-io/kv';
import { RequestError, RequestOne, TimeoutError } from '@nats-io/nats-core/internal';
import type { NatsConnection } from '@nats-io/transport-node';
import { Infrastructure } from '@bitcraps/testing';
import { connectNats } from '../src';
import { applyNatsPatches, PATCHED_NATS_CORE } from '../src/nats-patches';

/** The request patch, on a real server: answers, timeouts, no responders and KV as before, no leaks. */
describe('nats.js request patch', () => {
  let infra: Infrastructure;
  let nc: NatsConnection;
  const muxSize = () => (nc as unknown as { protocol: { muxSubscriptions: { size(): number } } }).protocol.muxSubscriptions.size();

  beforeAll(async () => {
    infra = await Infrastructure.start();
    nc = await connectNats(infra.natsUrl, 'patch-spec');
  });
  afterAll(async () => {
    await nc?.close();
    await infra?.stop();
  });

  it('is applied to the pinned version', () => {
    expect(applyNatsPatches()).toBe(true); // connectNats applied it; the installed version is the pinned one
    expect(PATCHED_NATS_CORE).toBe('3.3.1');
  });

  it('an answered request builds no cancellation error, resolves with the answer and leaves nothing behind', async () => {
    nc.subscribe('patch.echo', { callback: (_e, m) => void m.respond(m.data) });
    await nc.flush();
    const proto = RequestOne.prototype as unknown as { cancel(err?: Error): void };
    const cancel = proto.cancel;
    const reasons: Array<Error | undefined> = [];
    proto.cancel = function (this: unknown, err?: Error) {
      reasons.push(err);
      return cancel.call(this, err);
    };
    try {
      const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => nc.request('patch.echo', `m${i}`, { timeout: 5_000 })));
      expect(replies.map((r) => r.string())).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    } finally {
      proto.cancel = cancel;
    }
    expect(reasons.length).toBeGreaterThanOrEqual(50);
    expect(reasons.every((r) => r === undefined)).toBe(true);
    expect(muxSize()).toBe(0);
  });

  it('a request nobody answers still fails: no responders, and a timeout', async () => {
    const noOne = await nc.request('patch.nobody', 'x', { timeout: 1_000 }).then(() => null, (e: unknown) => e);
    expect(noOne).toBeInstanceOf(RequestError);
    expect((noOne as RequestError).isNoResponders()).toBe(true);
    nc.subscribe('patch.silent', { callback: () => undefined });
    await nc.flush();
    await expect(nc.request('patch.silent', 'x', { timeout: 200 })).rejects.toBeInstanceOf(TimeoutError);
    expect(muxSize()).toBe(0);
  });

  it('KV reads, writes and compare-and-set conflicts behave as before', async () => {
    const kv = await new Kvm(nc).create('patch_spec', { history: 1 });
    const rev = await kv.create('k', 'v1');
    await kv.update('k', 'v2', rev);
    await expect(kv.update('k', 'v3', rev)).rejects.toThrow(/wrong last sequence/i);
    expect((await kv.get('k'))?.string()).toBe('v2');
    await kv.destroy();
    expect(muxSize()).toBe(0);
  });
});
