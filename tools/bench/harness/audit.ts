import type { HttpClient } from './http';

/** GET /v1/audit as the gateway answers it (DESIGN.md section 4). */
export interface Audit {
  deposits: number;
  bankroll: number;
  initialBankroll: number;
  bankrollAdditions: number;
  wallets: number;
  stacks: number;
  escrow: number;
  inFlight: number;
  unfinishedSagas: number;
  balanced: boolean;
}

/**
 * Polls the audit until no saga is unfinished and it balances, or until the deadline;
 * resolves with the last audit read (null if none was) and whether it settled.
 */
export async function settledAudit(api: HttpClient, adminToken: string, timeoutMs: number, onWait?: (a: Audit | null, detail: string) => void): Promise<{ audit: Audit | null; settled: boolean; waitedMs: number }> {
  const started = Date.now();
  let last: Audit | null = null;
  let lastReport = 0;
  for (;;) {
    const a = await api.get('/v1/audit', { token: adminToken, timeoutMs: 10_000 });
    if (a.status === 200) {
      last = a.body as Audit;
      if (last.unfinishedSagas === 0 && last.balanced && last.inFlight === 0) return { audit: last, settled: true, waitedMs: Date.now() - started };
    }
    if (Date.now() - started >= timeoutMs) return { audit: last, settled: false, waitedMs: Date.now() - started };
    if (onWait && Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      onWait(last, a.status === 200 ? `unfinished sagas ${last!.unfinishedSagas}, in flight ${last!.inFlight}, balanced ${last!.balanced}` : `audit answered ${a.status} ${a.error ?? JSON.stringify(a.body)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The audit's terms as rows for a report table. */
export function auditRows(a: Audit): Array<[string, number | string]> {
  const held = a.wallets + a.stacks + a.escrow + a.bankroll;
  const put = a.deposits + a.initialBankroll + a.bankrollAdditions;
  return [
    ['deposits', a.deposits],
    ['initial bankroll', a.initialBankroll],
    ['bankroll additions', a.bankrollAdditions],
    ['wallets', a.wallets],
    ['stacks', a.stacks],
    ['escrow', a.escrow],
    ['bankroll', a.bankroll],
    ['in flight', a.inFlight],
    ['unfinished sagas', a.unfinishedSagas],
    ['held − put', held - put],
    ['balanced', String(a.balanced)],
  ];
}
