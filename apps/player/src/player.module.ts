import { Module } from '@nestjs/common';
import { AccountsStore } from './accounts.store';
import { PlayerHandlers } from './player.handlers';
import { WalletHandlers } from './wallet.handlers';
import { WalletMovements } from './wallet-movements';
import { WalletOpsStore } from './wallet-ops.store';

@Module({ controllers: [PlayerHandlers, WalletHandlers], providers: [AccountsStore, WalletOpsStore, WalletMovements] })
export class PlayerModule {}
