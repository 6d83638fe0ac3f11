import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import type { ServiceMetrics } from '@bitcraps/telemetry';
import { SERVICE_METRICS } from '@bitcraps/service-kit';

/** Consensus time (DESIGN.md section 10) and faults, on the service's Prometheus registry. */
@Injectable()
export class ConsensusMetrics {
  /** From the roll's start (commitments closed) to its decision: dice out (house), quorum or its failure. */
  readonly duration: Histogram<'mode' | 'outcome'>;
  readonly faults: Counter<'kind'>;

  constructor(@Inject(SERVICE_METRICS) metrics: ServiceMetrics) {
    this.duration = new Histogram({
      name: 'bitcraps_consensus_duration_seconds',
      help: 'Time from the start of a roll (commitments closed) to its decision, by consensus mode and outcome',
      labelNames: ['mode', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120],
      registers: [metrics.registry],
    });
    this.faults = new Counter({
      name: 'bitcraps_consensus_faults_total',
      help: 'Participants recorded faulty: a committed seed not revealed in time (withheld), or two different results signed (byzantine)',
      labelNames: ['kind'],
      registers: [metrics.registry],
    });
  }
}
