import { Module } from '@nestjs/common';
import { GamesStore } from './games.store';
import { LifecycleHandlers } from './lifecycle.handlers';

@Module({ controllers: [LifecycleHandlers], providers: [GamesStore] })
export class LifecycleModule {}
