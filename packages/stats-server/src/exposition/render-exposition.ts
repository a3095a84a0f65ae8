// Serialising, not serving: turns the store's families and the server's counters into exposition
// text (Prometheus 0.0.4 or OpenMetrics 1.0) through prom-client's Registry, which owns the escaping
// and the format details.
import { Registry, type Metric, type RegistryContentType } from 'prom-client';
import type { Family } from '../aggregation/metric-store.js';
import type { IngestCounters } from '../ingest-stats.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const PROMETHEUS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_CONTENT_TYPE: string = Registry.OPENMETRICS_CONTENT_TYPE;

export interface ExpositionInput {
  readonly families: readonly Family[];
  readonly counters: Readonly<IngestCounters>;
  readonly seriesCount: number;
}

type Labels = Readonly<Record<string, string | number>>;
interface Sample {
  readonly metricName?: string;
  readonly labels: Labels;
  readonly value: number;
}
type PromType = 'counter' | 'gauge' | 'histogram';

// What prom-client's Registry asks of a metric: a (mutable, for OpenMetrics counters) name, a type and get().
class FixedMetric {
  readonly aggregator = 'sum';
  constructor(
    public name: string,
    readonly type: PromType,
    readonly help: string,
    private readonly values: readonly Sample[],
  ) {}

  get(): { name: string; help: string; type: PromType; values: readonly Sample[]; aggregator: string } {
    return { name: this.name, help: this.help, type: this.type, values: this.values, aggregator: this.aggregator };
  }
}

const KIND_HELP: Readonly<Record<Family['kind'], string>> = {
  counter: '',
  gauge: '',
  timer: ', in seconds',
  histogram: '',
  set: ', distinct members seen',
};

export async function renderExposition(input: ExpositionInput, format: ExpositionFormat = 'prometheus'): Promise<string> {
  const registry = new Registry<RegistryContentType>();
  if (format === 'openmetrics') registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const add = (metric: FixedMetric) => registry.registerMetric(metric as unknown as Metric);
  for (const metric of ownMetrics(input)) add(metric);
  for (const family of input.families) {
    if (family.series.size === 0) continue;
    add(familyMetric(family));
  }
  return registry.metrics();
}

function familyMetric(family: Family): FixedMetric {
  const help = `Received by sightline-stats-server: ${family.kind} "${family.sourceName}"${KIND_HELP[family.kind]}`;
  const values: Sample[] = [];
  switch (family.kind) {
    case 'counter':
    case 'gauge':
      for (const s of family.series.values()) values.push({ labels: s.labels, value: (s as { value: number }).value });
      return new FixedMetric(family.name, family.kind, help, values);
    case 'set':
      for (const s of family.series.values()) values.push({ labels: s.labels, value: (s as { members: Set<string> }).members.size });
      return new FixedMetric(family.name, 'gauge', help, values);
    case 'timer':
    case 'histogram': {
      const scale = family.kind === 'timer' ? 1000 : 1;
      for (const s of family.series.values()) {
        const h = s as unknown as { counts: Float64Array; count: number; sum: number };
        let cumulative = 0;
        family.buckets.forEach((bound, i) => {
          cumulative += h.counts[i]!;
          values.push({ metricName: `${family.name}_bucket`, labels: { ...s.labels, le: bound }, value: cumulative });
        });
        values.push({ metricName: `${family.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: h.count });
        values.push({ metricName: `${family.name}_sum`, labels: s.labels, value: h.sum / scale });
        values.push({ metricName: `${family.name}_count`, labels: s.labels, value: h.count });
      }
      return new FixedMetric(family.name, 'histogram', help, values);
    }
  }
}

function ownMetrics({ counters: c, seriesCount }: ExpositionInput): FixedMetric[] {
  const p = 'sightline_stats_server_';
  return [
    new FixedMetric(`${p}batches_total`, 'counter', 'Batches received over HTTP and WebSocket, by response status', [
      { labels: { status: '200' }, value: c.batchesAccepted },
      { labels: { status: '400' }, value: c.batchesBadRequest },
      { labels: { status: '401' }, value: c.batchesUnauthorized },
      { labels: { status: '413' }, value: c.batchesTooLarge },
    ]),
    new FixedMetric(`${p}metrics_total`, 'counter', 'Metrics in accepted batches, by outcome', [
      { labels: { outcome: 'accepted' }, value: c.metricsAccepted },
      { labels: { outcome: 'rejected' }, value: c.metricsRejected },
    ]),
    new FixedMetric(`${p}statsd_lines_total`, 'counter', 'StatsD lines received over UDP and TCP, by outcome', [
      { labels: { outcome: 'accepted' }, value: c.statsdLines },
      { labels: { outcome: 'rejected' }, value: c.statsdBadLines },
    ]),
    new FixedMetric(`${p}series_dropped_total`, 'counter', 'New series dropped because maxSeries was reached', [
      { labels: {}, value: c.seriesDropped },
    ]),
    new FixedMetric(`${p}set_members_dropped_total`, 'counter', 'Set members dropped because a set held maxSetMembers', [
      { labels: {}, value: c.setMembersDropped },
    ]),
    new FixedMetric(`${p}series`, 'gauge', 'Distinct series held', [{ labels: {}, value: seriesCount }]),
  ];
}
