import type { KV } from '@nats-io/kv';
import { GetTreasuryAudit, GetWalletTotals, ListSagas } from '@bitcraps/contracts';
import { waitFor, type JetStreamClientProxy } from '@bitcraps/messaging';
import type { SagaState } from '@bitcraps/saga';

/**
 * The gateway's HTTP API as the e2e tests call it: JSON in, status and JSON out. `base` may
 * be a function for suites whose gateway URL is only known once `beforeAll` has run.
 */
export function gatewayApi(base: string | (() => string), { playerName = 'P' }: { playerName?: string } = {}) {
  const url = typeof base === 'string' ? () => base : base;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(url() + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const register = async (deposit: number) => (await call('POST', '/v1/players', { name: playerName, deposit })).body as { playerId: string; token: string };
  return { call, register };
}

/** Waits for the saga (KV `sagas`) to end: completed, compensated or failed. */
export async function sagaEnd(sagas: KV, sagaId: string, timeoutMs = 90_000, what = `saga ${sagaId} to end`): Promise<SagaState<any>> {
  let end: SagaState<any> | null = null;
  await waitFor(async () => {
    const e = await sagas.get(sagaId);
    end = e ? e.json<SagaState<any>>() : null;
    return end !== null && !['running', 'compensating'].includes(end.status);
  }, { timeoutMs, intervalMs: 100, what });
  return end!;
}

/** Waits until no saga is unfinished (ListSagas), so that the books can be read at rest. */
export async function sagasQuiescent(bus: JetStreamClientProxy, intervalMs = 100): Promise<void> {
  await waitFor(async () => {
    const r = await bus.query(ListSagas, { unfinishedOnly: true }, { timeoutMs: 2_000 }).catch(() => null);
    return r?.ok && r.sagas.length === 0;
  }, { timeoutMs: 60_000, intervalMs, what: 'every saga to end' });
}

/**
 * The chips held (wallets, stacks, escrow, bankroll) and the chips put in (deposits, initial
 * bankroll, bankroll additions), with the audits they come from; null while an audit fails.
 */
export async function chipTotals(bus: JetStreamClientProxy) {
  const [t, w] = await Promise.all([bus.query(GetTreasuryAudit, {}), bus.query(GetWalletTotals, {})]);
  if (!t.ok || !w.ok) return null;
  const held = w.wallets + t.audit.stacks + t.audit.escrow + t.audit.bankroll;
  const put = w.deposits + t.audit.initialBankroll + t.audit.bankrollAdditions;
  return { audit: t.audit, totals: w, held, put };
}

/** Once no saga is unfinished, every chip is somewhere: wallets, stacks, escrow, bankroll. */
export async function expectBooksBalanced(bus: JetStreamClientProxy): Promise<void> {
  await sagasQuiescent(bus);
  const c = await chipTotals(bus);
  if (!c) throw new Error('audit unavailable');
  if (!c.audit.balanced) throw new Error(`treasury audit not balanced: ${JSON.stringify(c.audit)}`);
  if (c.held !== c.put) throw new Error(`the books do not balance: ${c.held} held, ${c.put} put in`);
}
