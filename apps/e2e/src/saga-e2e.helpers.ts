import type { KV } from '@nats-io/kv';
import { GetTreasuryAudit, GetWalletTotals, ListSagas } from '@bitcraps/contracts';
import { waitFor, type JetStreamClientProxy } from '@bitcraps/messaging';
import type { SagaState } from '@bitcraps/saga';

/** The gateway's HTTP API as the saga e2e tests call it: JSON in, status and JSON out. */
export function gatewayApi(base: string) {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const register = async (deposit: number) => (await call('POST', '/v1/players', { name: 'P', deposit })).body as { playerId: string; token: string };
  return { call, register };
}

/** Waits for the saga (KV `sagas`) to end: completed, compensated or failed. */
export async function sagaEnd(sagas: KV, sagaId: string, timeoutMs = 90_000): Promise<SagaState<any>> {
  let end: SagaState<any> | null = null;
  await waitFor(async () => {
    const e = await sagas.get(sagaId);
    end = e ? e.json<SagaState<any>>() : null;
    return end !== null && !['running', 'compensating'].includes(end.status);
  }, { timeoutMs, intervalMs: 100, what: `saga ${sagaId} to end` });
  return end!;
}

/** Once no saga is unfinished, every chip is somewhere: wallets, stacks, escrow, bankroll. */
export async function expectBooksBalanced(bus: JetStreamClientProxy): Promise<void> {
  await waitFor(async () => {
    const r = await bus.query(ListSagas, { unfinishedOnly: true }, { timeoutMs: 2_000 }).catch(() => null);
    return r?.ok && r.sagas.length === 0;
  }, { timeoutMs: 60_000, intervalMs: 100, what: 'every saga to end' });
  const [t, w] = await Promise.all([bus.query(GetTreasuryAudit, {}), bus.query(GetWalletTotals, {})]);
  if (!t.ok || !w.ok) throw new Error('audit unavailable');
  if (!t.audit.balanced) throw new Error(`treasury audit not balanced: ${JSON.stringify(t.audit)}`);
  const held = w.wallets + t.audit.stacks + t.audit.escrow + t.audit.bankroll;
  const put = w.deposits + t.audit.initialBankroll + t.audit.bankrollAdditions;
  if (held !== put) throw new Error(`the books do not balance: ${held} held, ${put} put in`);
}
