import { Controller, Inject } from '@nestjs/common';
import { GetPlayer, RegisterPlayer, refuse, type PayloadOf, type ReplyOf } from '@bitcraps/contracts';
import { OnCommand, OnQuery } from '@bitcraps/messaging';
import { SERVICE_CONFIG } from '@bitcraps/service-kit';
import { AccountsStore } from './accounts.store';
import { checkDeposit, openAccount, toPlayerView } from './domain/account';
import type { PlayerConfig } from './config';

/** Thin handlers: parsed message → domain call → reply value. */
@Controller()
export class PlayerHandlers {
  constructor(
    private readonly accounts: AccountsStore,
    @Inject(SERVICE_CONFIG) private readonly config: PlayerConfig,
  ) {}

  /** Idempotent: the player id comes with the command, so a redelivery finds the account it made. */
  @OnCommand(RegisterPlayer)
  async register(cmd: PayloadOf<typeof RegisterPlayer>): Promise<ReplyOf<typeof RegisterPlayer>> {
    const existing = await this.accounts.get(cmd.playerId);
    if (existing) return { ok: true, player: toPlayerView(existing) };
    const refused = checkDeposit(cmd.deposit, this.config.FAUCET_MAX);
    if (refused) return refused;
    const account = openAccount(cmd, new Date());
    if (await this.accounts.create(account)) return { ok: true, player: toPlayerView(account) };
    // another delivery created it first: answer what it wrote, never the account not written
    const raced = await this.accounts.get(cmd.playerId);
    if (raced) return { ok: true, player: toPlayerView(raced) };
    // the key exists but reads as nothing (deleted meanwhile): an outage, not an answer;
    // the exception makes JetStream redeliver the command, which decides again
    throw new Error(`account ${cmd.playerId} could not be created nor read back`);
  }

  @OnQuery(GetPlayer)
  async get(q: PayloadOf<typeof GetPlayer>): Promise<ReplyOf<typeof GetPlayer>> {
    const account = await this.accounts.get(q.playerId);
    return account ? { ok: true, player: toPlayerView(account) } : refuse('PLAYER_NOT_FOUND', 'no such player');
  }
}
