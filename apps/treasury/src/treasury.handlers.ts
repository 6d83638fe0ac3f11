import { Controller, Inject } from '@nestjs/common';
import {
  CashOutStack,
  CreditStack,
  EscrowBet,
  FundBankroll,
  GetGameEscrow,
  GetStack,
  GetTreasuryAudit,
  ReleaseBet,
  ReverseStackCredit,
  SettleRoll,
  escrowAccount,
  stackAccount,
  type PayloadOf,
  type ReplyOf,
} from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { LedgerJournal } from './ledger.journal';
import { decideCashOut, decideCredit, decideEscrow, decideFund, decideRelease, decideReverse, decideSettle } from './domain/planning';
import type { TreasuryConfig } from './config';

const now = () => new Date().toISOString();

/**
 * Thin handlers: parsed command → planning decisions appended to LEDGER by the
 * journal → reply. Every command is idempotent by the op or bet id it carries (see
 * domain/planning.ts); reads see every command answered before them.
 */
@Controller()
export class TreasuryHandlers {
  constructor(
    private readonly journal: LedgerJournal,
    @Inject(SERVICE_CONFIG) private readonly config: TreasuryConfig,
  ) {}

  @OnCommand(CreditStack)
  credit(cmd: PayloadOf<typeof CreditStack>): Promise<ReplyOf<typeof CreditStack>> {
    return this.journal.run((l) => decideCredit(l, cmd, now()));
  }

  @OnCommand(ReverseStackCredit)
  reverse(cmd: PayloadOf<typeof ReverseStackCredit>): Promise<ReplyOf<typeof ReverseStackCredit>> {
    return this.journal.run((l) => decideReverse(l, cmd, now()));
  }

  @OnCommand(EscrowBet)
  escrow(cmd: PayloadOf<typeof EscrowBet>): Promise<ReplyOf<typeof EscrowBet>> {
    return this.journal.run((l) => decideEscrow(l, cmd, now(), this.config.RESERVE_RATIO));
  }

  @OnCommand(ReleaseBet)
  release(cmd: PayloadOf<typeof ReleaseBet>): Promise<ReplyOf<typeof ReleaseBet>> {
    return this.journal.run((l) => decideRelease(l, cmd, now()));
  }

  @OnCommand(SettleRoll)
  settle(cmd: PayloadOf<typeof SettleRoll>): Promise<ReplyOf<typeof SettleRoll>> {
    return this.journal.run((l) => decideSettle(l, cmd, now()));
  }

  @OnCommand(CashOutStack)
  cashOut(cmd: PayloadOf<typeof CashOutStack>): Promise<ReplyOf<typeof CashOutStack>> {
    return this.journal.run((l) => decideCashOut(l, cmd, now()));
  }

  @OnCommand(FundBankroll)
  fund(cmd: PayloadOf<typeof FundBankroll>): Promise<ReplyOf<typeof FundBankroll>> {
    return this.journal.run((l) => decideFund(l, cmd, now()));
  }

  @OnQuery(GetStack)
  async stack(q: PayloadOf<typeof GetStack>): Promise<ReplyOf<typeof GetStack>> {
    await this.journal.syncToHead();
    return { ok: true, stack: this.journal.ledger.balance(stackAccount(q.gameId, q.playerId)) };
  }

  @OnQuery(GetGameEscrow)
  async gameEscrow(q: PayloadOf<typeof GetGameEscrow>): Promise<ReplyOf<typeof GetGameEscrow>> {
    await this.journal.syncToHead();
    const ledger = this.journal.ledger;
    const open = ledger.openBetsOf(q.gameId);
    return {
      ok: true,
      escrow: ledger.balance(escrowAccount(q.gameId)),
      exposure: open.reduce((sum, b) => sum + b.worstCase, 0),
      openBets: open.map((b) => ({ betId: b.betId, playerId: b.playerId, amount: b.amount, worstCase: b.worstCase })),
    };
  }

  @OnQuery(GetTreasuryAudit)
  async audit(): Promise<ReplyOf<typeof GetTreasuryAudit>> {
    await this.journal.syncToHead();
    return { ok: true, audit: this.journal.ledger.audit() };
  }
}
