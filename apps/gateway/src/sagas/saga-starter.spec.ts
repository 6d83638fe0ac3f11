import type { Request, Response } from 'express';
import { StartLeave, type SagaView } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { ApiError } from '../http/api-error';
import { SagaStarter } from './saga-starter';
import type { GatewayConfig } from '../config';

/** SagaStarter against a fake bus: which commands it sends and what it answers. */
const SAGA = 's_00000000-0000-4000-8000-000000000001';
const payload = { sagaId: SAGA, gameId: 'g_00000000-0000-4000-8000-000000000001', playerId: 'p_00000000-0000-4000-8000-000000000001' };
const view = (status: SagaView['status'], patch: Partial<SagaView> = {}): SagaView =>
  ({ sagaId: SAGA, type: 'leave', status, playerId: payload.playerId, gameId: payload.gameId, steps: [], ...patch }) as SagaView;

function fakeBus(opts: { stored?: SagaView | null; startStatus?: SagaView['status']; endsWith?: SagaView | null }) {
  const sent: string[] = [];
  const bus = {
    waitForEvent: async () => ({ result: Promise.resolve(opts.endsWith ? { saga: opts.endsWith } : null), cancel: () => undefined }),
    query: async () => {
      sent.push('get-saga');
      return opts.stored ? { ok: true, saga: opts.stored } : { ok: false, code: 'SAGA_NOT_FOUND', message: 'no saga' };
    },
    // as the orchestrator: a start of a stored saga answers its status
    command: async (_def: unknown, _payload: unknown, env: { msgId: string }) => {
      sent.push('start');
      msgIds.push(env.msgId);
      return { ok: true, sagaId: SAGA, status: opts.stored?.status ?? opts.startStatus ?? 'running' };
    },
  };
  const msgIds: string[] = [];
  return { bus: bus as unknown as JetStreamClientProxy, sent, msgIds };
}

function fakeRes() {
  const res = { statusCode: 200, locals: {} as Record<string, unknown>, status: (n: number) => ((res.statusCode = n), res) };
  return res;
}

const keyed = { idempotency: { subject: 'p:x', key: 'k', attempt: 0 } } as unknown as Request;
const unkeyed = {} as Request;
const answer = (s: SagaView) => ({ returned: (s.result?.returned as number | undefined) ?? null });

async function run(bus: JetStreamClientProxy, req: Request, precheck?: () => Promise<void>) {
  const res = fakeRes();
  const starter = new SagaStarter(bus, { REQUEST_TIMEOUT_MS: 1_000 } as GatewayConfig);
  try {
    const body = await starter.run(StartLeave, payload, req, res as unknown as Response, answer, { precheck });
    return { status: res.statusCode, body, notFinal: Object.keys(res.locals).length > 0 };
  } catch (err) {
    return { status: (err as ApiError).status, code: (err as ApiError).code };
  }
}

describe('SagaStarter', () => {
  it('starts a new saga after the precheck and answers its end', async () => {
    const { bus, sent } = fakeBus({ endsWith: view('completed', { result: { returned: 40 } }) });
    const checked: string[] = [];
    expect(await run(bus, keyed, async () => void checked.push('seated'))).toEqual({ status: 200, body: { returned: 40, sagaId: SAGA, status: 'completed' }, notFinal: false });
    expect(sent).toEqual(['get-saga', 'start']);
    expect(checked).toEqual(['seated']);
  });

  it('without an Idempotency-Key it does not look for an existing saga (its id is fresh)', async () => {
    const { bus, sent } = fakeBus({ endsWith: view('completed') });
    await run(bus, unkeyed);
    expect(sent).toEqual(['start']);
  });

  it('answers 202 "running" as not final when the saga has not ended by the deadline', async () => {
    const { bus } = fakeBus({});
    expect(await run(bus, keyed)).toEqual({ status: 202, body: { returned: null, sagaId: SAGA, status: 'running' }, notFinal: true });
  });

  it('a retry whose saga has ended answers its end, sends no start and skips the precheck', async () => {
    const { bus, sent } = fakeBus({ stored: view('completed', { result: { returned: 40 } }) });
    const precheck = async () => {
      throw new ApiError('NOT_SEATED', 'you are not seated at this table');
    };
    expect(await run(bus, keyed, precheck)).toEqual({ status: 200, body: { returned: 40, sagaId: SAGA, status: 'completed' }, notFinal: false });
    expect(sent).toEqual(['get-saga']);
  });

  it('a retry whose saga was refused answers the refusal: with no precheck, the start finds it ended and reads it', async () => {
    const stored = view('compensated', { error: { step: 'unseat', code: 'GAME_SUSPENDED', message: 'suspended' } });
    const { bus, sent } = fakeBus({ stored });
    expect(await run(bus, keyed)).toEqual({ status: 409, code: 'GAME_SUSPENDED' });
    expect(sent).toEqual(['start', 'get-saga']);
    const checked = fakeBus({ stored });
    expect(await run(checked.bus, keyed, async () => undefined)).toEqual({ status: 409, code: 'GAME_SUSPENDED' });
    expect(checked.sent).toEqual(['get-saga']);
  });

  it('a retry whose saga still runs waits for its end; with a precheck it sends no start', async () => {
    const { bus, sent } = fakeBus({ stored: view('running'), endsWith: view('completed', { result: { returned: 7 } }) });
    expect(await run(bus, keyed, async () => undefined)).toMatchObject({ status: 200, body: { returned: 7, status: 'completed' } });
    expect(sent).toEqual(['get-saga']);
    // with none, its start is answered with the running saga (the orchestrator drives it if nobody does)
    const plain = fakeBus({ stored: view('running'), endsWith: view('completed', { result: { returned: 7 } }) });
    expect(await run(plain.bus, keyed)).toMatchObject({ status: 200, body: { returned: 7, status: 'completed' } });
    expect(plain.sent).toEqual(['start']);
  });

  it('with a key and no precheck, each request sends its start under a msg id of its own (never dropped as a duplicate of an earlier attempt)', async () => {
    const { bus, msgIds } = fakeBus({ endsWith: view('completed') });
    await run(bus, keyed);
    await run(bus, keyed);
    expect(msgIds).toHaveLength(2);
    expect(new Set(msgIds).size).toBe(2);
    for (const id of msgIds) expect(id.startsWith(`start.${SAGA}.`)).toBe(true);
    const unkeyedRun = fakeBus({ endsWith: view('completed') });
    await run(unkeyedRun.bus, unkeyed);
    expect(unkeyedRun.msgIds).toEqual([`start.${SAGA}`]);
  });

  it('a start the orchestrator answers with an ended saga (its end event is past) reads the saga', async () => {
    const stored = view('completed', { result: { returned: 3 } });
    const sent: string[] = [];
    let starts = 0;
    const bus = {
      waitForEvent: async () => ({ result: Promise.resolve(null), cancel: () => undefined }),
      query: async () => (sent.push('get-saga'), starts === 0 ? { ok: false, code: 'SAGA_NOT_FOUND', message: 'no saga' } : { ok: true, saga: stored }),
      command: async () => (sent.push('start'), starts++, { ok: true, sagaId: SAGA, status: 'completed' }),
    } as unknown as JetStreamClientProxy;
    expect(await run(bus, keyed)).toMatchObject({ status: 200, body: { returned: 3, status: 'completed' } });
    expect(sent).toEqual(['start', 'get-saga']);
  });
});
