import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { TreasuryAuditSchema, type TreasuryAudit } from '@bitcraps/contracts';
import { KvDocuments } from '@bitcraps/messaging';
import type { Ledger } from './domain/ledger';

/** One account in KV `accounts` (key = account id): its balance as of LEDGER sequence `seq`. */
export const AccountDocSchema = z.object({
  account: z.string(),
  balance: z.number().int().refine(Number.isSafeInteger),
  seq: z.number().int().min(1),
});
export type AccountDoc = z.infer<typeof AccountDocSchema>;

/** Key of the summary document: the audit terms as of `lastSequence`. */
export const SUMMARY_KEY = 'ledger';

/**
 * KV `accounts`: the balances as a projection of LEDGER. Every value is written as an
 * absolute balance tagged with the sequence it is true at, and only over an older one
 * (compare-and-set), so replicas may write the same accounts in any order and the
 * bucket still converges on the fold of the stream. What a write missed (a crash) is
 * written again by the next start, which folds the whole stream.
 */
export class AccountsProjection {
  private readonly accounts: KvDocuments<AccountDoc>;
  private readonly summary: KvDocuments<TreasuryAudit>;
  private readonly dirty = new Map<string, AccountDoc>();
  private dirtySummary: TreasuryAudit | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(kv: KV, private readonly parallel = 16) {
    this.accounts = new KvDocuments(kv, AccountDocSchema);
    this.summary = new KvDocuments(kv, TreasuryAuditSchema);
  }

  /** Remembers what a fold changed, for the next flush. */
  touched(ledger: Ledger, accounts: readonly string[]): void {
    for (const account of accounts) {
      const state = ledger.account(account);
      if (state) this.dirty.set(account, { account, balance: state.balance, seq: state.seq });
    }
    this.dirtySummary = ledger.audit();
  }

  /** Writes everything folded so far; flushes run one after another, so each waits for the ones before. */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.write());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    if (this.dirty.size === 0 && !this.dirtySummary) return;
    const batch = [...this.dirty.values()];
    const summary = this.dirtySummary;
    this.dirty.clear();
    this.dirtySummary = null;
    try {
      for (let i = 0; i < batch.length; i += this.parallel) {
        await Promise.all(
          batch.slice(i, i + this.parallel).map((doc) =>
            this.accounts.update(doc.account, (current) => (current && current.seq >= doc.seq ? { result: undefined } : { next: doc, result: undefined })),
          ),
        );
      }
      // the summary last: once it says N, every account is written as of N or later
      if (summary) {
        await this.summary.update(SUMMARY_KEY, (current) =>
          current && current.lastSequence >= summary.lastSequence ? { result: undefined } : { next: summary, result: undefined },
        );
      }
    } catch (err) {
      // keep what was not written for the next flush, unless something newer waits already
      for (const doc of batch) if (!this.dirty.has(doc.account)) this.dirty.set(doc.account, doc);
      if (summary && !this.dirtySummary) this.dirtySummary = summary;
      throw err;
    }
  }
}
