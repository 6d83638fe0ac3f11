import { Module } from '@nestjs/common';

/** The treasury: double-entry ledger of house bankroll, table stacks and bet escrow. Its command handlers arrive with their issue; today it boots, consumes cmd.treasury.> and reports health. */
@Module({})
export class TreasuryModule {}
