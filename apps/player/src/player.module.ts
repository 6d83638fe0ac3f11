import { Module } from '@nestjs/common';
import { AccountsStore } from './accounts.store';
import { PlayerHandlers } from './player.handlers';

@Module({ controllers: [PlayerHandlers], providers: [AccountsStore] })
export class PlayerModule {}
