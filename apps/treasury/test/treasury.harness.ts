import { randomUUID } from 'node:crypto';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { LEDGER_STREAM, LedgerEntrySchema, type LedgerEntry } from '@bitcraps/contracts';
import { createServiceApp, type ServiceApp } from '@bitcraps/service-kit';
import type { Infrastructure } from '@bitcraps/testing';
import { treasuryService } from '../src/treasury.service';
import { LedgerJournal } from '../src/ledger.journal';
import { AccountDocSchema, SUMMARY_KEY } from '../src/accounts.projection';
import { Ledger } from '../src/domain/ledger';
import type { TreasuryConfig } from '../src/config';

export const gameId = () => `g_${randomUUID()}`;
export const playerId = () => `p_${randomUUID()}`;

/** A treasury replica in this process, on the given servers. */
export function startTreasury(infra: Infrastructure, extra: Record<string, string> = {}): Promise<ServiceApp<TreasuryConfig>> {
  return createServiceApp(treasuryService, {
    ...process.env,
    NATS_URL: infra.natsUrl,
    REDIS_URL: infra.redisUrl,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

export const journalOf = (app: ServiceApp) => app.app.get(LedgerJournal);

/** Every message of LEDGER from the first, read with a consumer of its own (null: not a ledger entry). */
export async function readLedger(nc: NatsConnection): Promise<Array<{ seq: number; entry: LedgerEntry | null }>> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(LEDGER_STREAM.name)).state.last_seq;
  const out: Array<{ seq: number; entry: LedgerEntry | null }> = [];
  if (last === 0) return out;
  const consumer = await jetstream(nc).consumers.get(LEDGER_STREAM.name, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  for await (const m of messages) {
    const parsed = LedgerEntrySchema.safeParse(m.json());
    out.push({ seq: m.seq, entry: parsed.success ? parsed.data : null });
    if (m.seq >= last) break;
  }
  await messages.close();
  return out;
}

/** LEDGER folded from scratch by the pure domain code. */
export async function replayLedger(nc: NatsConnection): Promise<Ledger> {
  const ledger = new Ledger();
  for (const { seq, entry } of await readLedger(nc)) {
    if (entry) ledger.apply(seq, entry);
    else ledger.skip(seq);
  }
  return ledger;
}

/** KV `accounts`: every account's balance, and the summary document. */
export async function readProjection(nc: NatsConnection): Promise<{ balances: Record<string, number>; summary: unknown }> {
  const kv = await new Kvm(nc).open('accounts');
  const balances: Record<string, number> = {};
  let summary: unknown = null;
  for await (const key of await kv.keys()) {
    const e = await kv.get(key);
    if (!e || e.operation !== 'PUT') continue;
    if (key === SUMMARY_KEY) summary = e.json();
    else balances[key] = AccountDocSchema.parse(e.json()).balance;
  }
  return { balances, summary };
}

export function balancesOf(ledger: Ledger): Record<string, number> {
  return Object.fromEntries([...ledger.allAccounts()].map(([id, a]) => [id, a.balance]));
}
