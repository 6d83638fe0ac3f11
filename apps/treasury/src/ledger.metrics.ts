import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { SERVICE_METRICS } from '@bitcraps/service-kit';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import { LedgerJournal } from './ledger.journal';

/** The books on /metrics (DESIGN.md section 10: total pot), read from this replica's fold when scraped. */
@Injectable()
export class LedgerMetrics {
  constructor(journal: LedgerJournal, @Inject(SERVICE_METRICS) metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    const terms = [
      ['bankroll', 'House bankroll in chips'],
      ['stacks', 'Chips on table stacks'],
      ['escrow', 'Chips staked on open bets (the total pot)'],
      ['openExposure', 'Worst-case payout of every open bet'],
      ['lastSequence', 'Last LEDGER sequence folded by this replica'],
    ] as const;
    for (const [term, help] of terms) {
      new Gauge({
        name: `bitcraps_treasury_${term.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
        help,
        registers,
        collect() {
          this.set(journal.ledger.audit()[term]);
        },
      });
    }
    new Gauge({
      name: 'bitcraps_treasury_append_conflicts',
      help: 'LEDGER appends that lost the optimistic lock to another replica and were decided again',
      registers,
      collect() {
        this.set(journal.conflicts);
      },
    });
  }
}
