import { Inject, Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { GetTreasuryAudit, GetWalletTotals, ListSagas } from '@bitcraps/contracts';
import type { JetStreamClientProxy } from '@bitcraps/messaging';
import { COMMAND_BUS, SERVICE_METRICS } from '@bitcraps/service-kit';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import { assembleAudit } from './audit';

/** How long a scrape waits for the three services behind the audit. */
const SCRAPE_TIMEOUT_MS = 2_000;

const TERMS = ['deposits', 'bankroll', 'initialBankroll', 'bankrollAdditions', 'wallets', 'stacks', 'escrow', 'inFlight'] as const;

type Audit = ReturnType<typeof assembleAudit>;

/**
 * The audit of DESIGN.md section 4 on the gateway's /metrics, so a dashboard and an
 * alert can watch conservation: `bitcraps_audit_chips{term}` for every term,
 * `bitcraps_audit_balanced` (1 or 0), `bitcraps_audit_unfinished_sagas`, and
 * `bitcraps_audit_up` (0 when a service behind it did not answer; the other gauges then
 * keep their last value). Read from the services at each scrape, as GET /v1/audit does.
 */
@Injectable()
export class AuditMetrics {
  private readonly logger = new Logger('audit-metrics');
  /** The read of the scrape under way: prom-client collects every gauge at once, and they share it. */
  private reading: Promise<Audit | null> | null = null;

  constructor(@Inject(COMMAND_BUS) private readonly bus: JetStreamClientProxy, @Inject(SERVICE_METRICS) metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    const read = () => this.read();
    new Gauge({
      name: 'bitcraps_audit_chips',
      help: 'Audit terms in chips (DESIGN.md section 4)',
      labelNames: ['term'],
      registers,
      async collect() {
        const audit = await read();
        if (audit) for (const term of TERMS) this.set({ term }, audit[term]);
      },
    });
    new Gauge({
      name: 'bitcraps_audit_balanced',
      help: '1 when every chip is accounted for, else 0',
      registers,
      async collect() {
        const audit = await read();
        if (audit) this.set(audit.balanced ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bitcraps_audit_unfinished_sagas',
      help: 'Sagas not yet terminal',
      registers,
      async collect() {
        const audit = await read();
        if (audit) this.set(audit.unfinishedSagas);
      },
    });
    new Gauge({
      name: 'bitcraps_audit_up',
      help: '1 when the last scrape could read the audit, else 0',
      registers,
      async collect() {
        this.set((await read()) ? 1 : 0);
      },
    });
  }

  private read(): Promise<Audit | null> {
    this.reading ??= this.fetch().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async fetch(): Promise<Audit | null> {
    try {
      const opts = { timeoutMs: SCRAPE_TIMEOUT_MS };
      const [w, t, s] = await Promise.all([
        this.bus.query(GetWalletTotals, {}, opts),
        this.bus.query(GetTreasuryAudit, {}, opts),
        this.bus.query(ListSagas, { unfinishedOnly: true }, opts),
      ]);
      if (!w.ok || !t.ok || !s.ok) throw new Error('a service refused its audit query');
      return assembleAudit(w, t.audit, s.sagas.length);
    } catch (err) {
      this.logger.warn(`audit not read for /metrics: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }
}
