import { Controller, Inject } from '@nestjs/common';
import { CreditWallet, DebitWallet, RefundDebit, GetPlayerActivity, GetWalletTotals, TouchActivity, refuse, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AccountsStore } from './accounts.store';
import { WalletMovements } from './wallet-movements';
import { touchSession } from './domain/sessions';
import type { PlayerConfig } from './config';

type Movement = PayloadOf<typeof DebitWallet>;

/**
 * Commands on one wallet run one at a time in a replica (ordering key = player), so a
 * hot wallet costs no compare-and-set retries inside one process; across replicas the
 * account's compare-and-set decides.
 */
const byPlayer = (c: Movement) => c.playerId;

/** Wallets: idempotent debits and credits (keyed by opId), activity and sessions, and audit totals. */
@Controller()
export class WalletHandlers {
  constructor(
    private readonly movements: WalletMovements,
    private readonly accounts: AccountsStore,
    @Inject(SERVICE_CONFIG) private readonly config: PlayerConfig,
  ) {}

  @OnCommand(DebitWallet, { orderingKey: byPlayer })
  debit(cmd: Movement): Promise<ReplyOf<typeof DebitWallet>> {
    return this.movements.apply(cmd.playerId, { kind: 'debit', opId: cmd.opId, amount: cmd.amount, reason: cmd.reason });
  }

  @OnCommand(CreditWallet, { orderingKey: byPlayer })
  credit(cmd: PayloadOf<typeof CreditWallet>): Promise<ReplyOf<typeof CreditWallet>> {
    return this.movements.apply(cmd.playerId, { kind: 'credit', opId: cmd.opId, amount: cmd.amount, reason: cmd.reason });
  }

  @OnCommand(RefundDebit, { orderingKey: byPlayer })
  async refund(cmd: PayloadOf<typeof RefundDebit>): Promise<ReplyOf<typeof RefundDebit>> {
    const r = await this.movements.refundDebit(cmd.playerId, cmd.opId, cmd.amount, cmd.reason);
    if ('refunded' in r) return { ok: true, playerId: cmd.playerId, opId: cmd.opId, refunded: r.refunded };
    return r.ok ? refuse('INTERNAL_ERROR', 'unexpected answer') : r;
  }

  /** Same compare-and-set as the wallet; a redelivery finds its activity id counted and writes nothing. */
  @OnCommand(TouchActivity, { orderingKey: (c: PayloadOf<typeof TouchActivity>) => c.playerId })
  async touch(cmd: PayloadOf<typeof TouchActivity>): Promise<ReplyOf<typeof TouchActivity>> {
    // a sender's clock ahead of ours must not stretch the session into the future
    const at = new Date(Math.min(Date.parse(cmd.at), Date.now()));
    const lastActiveAt = await this.accounts.update(cmd.playerId, (account) => {
      const next = touchSession(account, at, cmd.activityId, this.config.SESSION_IDLE_MS);
      return { next: next === account ? undefined : next, result: next.lastActiveAt };
    });
    if (lastActiveAt === null) return refuse('PLAYER_NOT_FOUND', `no player ${cmd.playerId}`);
    return { ok: true, playerId: cmd.playerId, lastActiveAt };
  }

  @OnQuery(GetPlayerActivity)
  async activity(q: PayloadOf<typeof GetPlayerActivity>): Promise<ReplyOf<typeof GetPlayerActivity>> {
    const account = await this.accounts.get(q.playerId);
    if (!account) return refuse('PLAYER_NOT_FOUND', `no player ${q.playerId}`);
    return { ok: true, playerId: account.playerId, lastActiveAt: account.lastActiveAt, sessions: account.sessions, history: account.history };
  }

  /** Scans every account (see AccountsStore.forEach for the cost); meant for the audit at quiescence. */
  @OnQuery(GetWalletTotals)
  async totals(): Promise<ReplyOf<typeof GetWalletTotals>> {
    let wallets = 0;
    let deposits = 0;
    let players = 0;
    await this.accounts.forEach((a) => {
      wallets += a.balance;
      deposits += a.totals.deposited;
      players++;
    });
    return { ok: true, wallets, deposits, players };
  }
}
