import { Inject, Injectable } from '@nestjs/common';
import { refuse } from '@bitcraps/contracts';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AccountsStore } from './accounts.store';
import { WalletOpsStore } from './wallet-ops.store';
import { decideMovement, refundOpId, replayAnswer, type WalletAnswer, type WalletDecision, type WalletOp } from './domain/wallet';
import { touchSession } from './domain/sessions';
import type { PlayerConfig } from './config';

/**
 * Applies a debit or credit exactly once per opId, whatever the redeliveries, replays,
 * replicas and crashes (the reasoning is in domain/wallet.ts):
 * 1. op record found: answer its first answer; nothing is written;
 * 2. else decide on the account and compare-and-set it, after writing the op records
 *    of the actions the write drops from the ring; an opId found in the ring answers
 *    from there (the previous attempt crashed before its op record);
 * 3. write this opId's op record; only then is the answer published.
 */
@Injectable()
export class WalletMovements {
  constructor(
    private readonly accounts: AccountsStore,
    private readonly records: WalletOpsStore,
    @Inject(SERVICE_CONFIG) private readonly config: PlayerConfig,
  ) {}

  /**
   * The compensation of a debit: refunds it if it was applied, once; bars it (records it
   * as refused) if it never arrived, so a late delivery moves nothing; does nothing if it
   * was refused. Harmless in every case, idempotent by the debit's opId.
   */
  async refundDebit(playerId: string, debitOpId: string, amount: number, reason: string): Promise<{ refunded: number } | WalletAnswer> {
    const fate = await this.apply(playerId, { kind: 'debit', opId: debitOpId, amount, reason, bar: true });
    if (!fate.ok) return fate.code === 'PLAYER_NOT_FOUND' || fate.code === 'IDEMPOTENCY_KEY_REUSED' ? fate : { refunded: 0 };
    const credit = await this.apply(playerId, { kind: 'credit', opId: refundOpId(debitOpId), amount, reason });
    return credit.ok ? { refunded: amount } : credit;
  }

  async apply(playerId: string, op: WalletOp): Promise<WalletAnswer> {
    const recorded = await this.records.get(playerId, op.opId);
    if (recorded) return replayAnswer(playerId, recorded.action, op);

    const decision = await this.accounts.update<WalletDecision>(
      playerId,
      (account) => {
        const now = new Date();
        const d = decideMovement(account, op, now);
        // a movement is the player's activity too; its opId makes the touch count once
        return d.kind === 'apply' ? { next: touchSession(d.next, now, op.opId, this.config.SESSION_IDLE_MS), result: d } : { result: d };
      },
      (d) => (d.kind === 'apply' ? this.records.ensure(playerId, d.evicted) : Promise.resolve()),
    );
    if (!decision) return refuse('PLAYER_NOT_FOUND', `no player ${playerId}`);

    await this.records.ensure(playerId, [decision.kind === 'apply' ? decision.action : decision.prior]);
    return decision.answer;
  }
}
