import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics (`/metrics`, text exposition format). One registry per process:
 * in standalone mode the five contexts share it and tell themselves apart by the `context` label.
 * Names follow Prometheus conventions: `_total` counters, `_seconds` histograms, base units.
 *
 * Gauges whose value lives elsewhere (relay lag, open cases by state, parked events) are read at
 * scrape time from the sources the contexts register, so a scrape always shows the current state.
 */
export type GaugeSource = () => Promise<{ labels: Record<string, string>; value: number }[]>;

export class FengqiaoMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'fengqiao_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'fengqiao_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: 'fengqiao_commands_total',
    help: 'Case commands by context, command type and outcome (appended, unchanged, or the error kind)',
    labelNames: ['context', 'command', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly commandDuration = new Histogram({
    name: 'fengqiao_command_duration_seconds',
    help: 'Case command latency (load, decide, append, catch up) by context and command type',
    labelNames: ['context', 'command'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly appendedEvents = new Counter({
    name: 'fengqiao_events_appended_total',
    help: 'Events appended to the event store by context',
    labelNames: ['context'] as const,
    registers: [this.registry],
  });

  readonly consumed = new Counter({
    name: 'fengqiao_consumer_messages_total',
    help: 'Integration events taken by consumer group and outcome (handled, duplicate, failed, ignored: a type the consumer does not act on)',
    labelNames: ['group', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly timersFired = new Counter({
    name: 'fengqiao_deadline_timers_fired_total',
    help: 'Deadline warnings and breaches issued by the schedulers, by scheduler and action',
    labelNames: ['scheduler', 'action'] as const,
    registers: [this.registry],
  });

  readonly timersDue = new Gauge({
    name: 'fengqiao_deadline_timers_due',
    help: 'Timer actions found due at the last tick of each scheduler',
    labelNames: ['scheduler'] as const,
    registers: [this.registry],
  });

  private readonly sources = new Map<string, { gauge: Gauge<string>; sources: Map<string, GaugeSource> }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fengqiao_' });
  }

  /**
   * A gauge read at scrape time from one or more sources (e.g. each context's relay lag). A source
   * registered again under the same key replaces the old one (a restarted context).
   */
  gaugeFrom(name: string, help: string, labelNames: string[], key: string, source: GaugeSource): void {
    let entry = this.sources.get(name);
    if (!entry) {
      const sources = new Map<string, GaugeSource>();
      const gauge = new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const read of sources.values()) {
            try {
              for (const { labels, value } of await read()) this.set(labels, value);
            } catch {
              // a source that cannot answer now (a store closing) shows no sample this scrape
            }
          }
        },
      });
      entry = { gauge, sources };
      this.sources.set(name, entry);
    }
    entry.sources.set(key, source);
  }

  /** Removes a scrape-time source (a context stopping). */
  dropSource(name: string, key: string): void {
    this.sources.get(name)?.sources.delete(key);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The metrics of this process. */
export const metrics = new FengqiaoMetrics();
