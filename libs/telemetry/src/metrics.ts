import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per service instance (several run in one test process), with
 * the process metrics and the command latency histogram of DESIGN.md section 10.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly commandDuration: Histogram<'subject' | 'outcome'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'bitcraps_' });
    this.commandDuration = new Histogram({
      name: 'bitcraps_command_duration_seconds',
      help: 'Time to handle a command or query, by subject and outcome',
      labelNames: ['subject', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  observeCommand(subject: string, outcome: string, seconds: number): void {
    this.commandDuration.observe({ subject, outcome }, seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
