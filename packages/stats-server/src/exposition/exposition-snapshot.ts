// What the server holds, as the metric snapshots @sightline/exposition renders: the server's own
// counters first, then every received family. Built fresh per scrape; each series' labels object is
// the store's own, so the renderer's per-series label cache holds across scrapes.
import type { MetricSnapshot, SampleSnapshot, StreamedMetricSnapshot } from '@sightline/exposition';
import { exposedName, type Family } from '../aggregation/metric-store.js';
import { OWN_METRIC_PREFIX } from '../aggregation/prometheus-names.js';
import { REJECT_REASONS, type RejectReason } from '../aggregation/rejection.js';
import type { IngestCounters } from '../ingest-stats.js';

export interface ExpositionInput {
  readonly families: readonly Family[];
  readonly counters: Readonly<IngestCounters>;
  readonly seriesCount: number;
  /** Bytes of the memory budget in use. */
  readonly memoryBytes: number;
}

const KIND_HELP: Readonly<Record<Family['kind'], string>> = {
  counter: '',
  gauge: '',
  timer: ', in seconds',
  histogram: '',
  set: ', distinct members seen',
};

const NO_LABELS = Object.freeze({});
// `le` label objects per bound, shared by every series and scrape.
const leLabels = new Map<number | string, Readonly<{ le: number | string }>>();
function le(bound: number | string): Readonly<{ le: number | string }> {
  let labels = leLabels.get(bound);
  if (labels === undefined) {
    labels = Object.freeze({ le: bound });
    if (leLabels.size < 10_000) leLabels.set(bound, labels);
  }
  return labels;
}

/**
 * Every family with its samples in arrays (for `collect()`-style readers and whole-body renders), or
 * only those `wanted` accepts by their exposed name (a reader such as the status page).
 */
export function expositionSnapshot(input: ExpositionInput, wanted?: (family: string) => boolean): MetricSnapshot[] {
  const out: MetricSnapshot[] = [];
  for (const family of streamedSnapshot(input, wanted)) out.push({ ...family, values: [...family.values] });
  return out;
}

/**
 * The same families, each one's samples produced as the renderer reaches them: a streamed scrape
 * holds the sample objects of one series at a time, not of the whole store. Families are the ones
 * held when the scrape began; series added to them while it renders are included.
 */
export function* streamedSnapshot(
  input: ExpositionInput,
  wanted?: (family: string) => boolean,
): Generator<StreamedMetricSnapshot, void, void> {
  for (const own of ownMetrics(input)) if (!wanted || wanted(own.name)) yield own;
  for (const family of input.families) {
    // Asked before the family's samples are produced: a reader pays only for what it wants.
    if (family.series.size > 0 && (!wanted || wanted(exposedName(family)))) yield familySnapshot(family);
  }
}

function familySnapshot(family: Family): StreamedMetricSnapshot {
  const help = `Received by sightline-stats-server: ${family.kind} "${family.sourceName}"${KIND_HELP[family.kind]}`;
  switch (family.kind) {
    case 'counter':
    case 'gauge':
      // An up/down counter (one that took a decr) is a gauge to Prometheus, as OpenTelemetry exports it.
      if (family.upDown)
        return {
          name: exposedName(family),
          type: 'gauge',
          help: `${help}, up/down (it received a decrement)`,
          values: valueSamples(family),
        };
      return { name: family.name, type: family.kind, help, values: valueSamples(family) };
    case 'set':
      return { name: family.name, type: 'gauge', help, values: setSamples(family) };
    case 'timer':
    case 'histogram':
      return { name: family.name, type: 'histogram', help, values: histogramSamples(family) };
  }
}

function* valueSamples(family: Family): Generator<SampleSnapshot, void, void> {
  for (const s of family.series.values()) yield { labels: s.labels, value: (s as { value: number }).value };
}

function* setSamples(family: Family): Generator<SampleSnapshot, void, void> {
  for (const s of family.series.values()) yield { labels: s.labels, value: (s as { members: Set<string> }).members.size };
}

function* histogramSamples(family: Family): Generator<SampleSnapshot, void, void> {
  const scale = family.kind === 'timer' ? 1000 : 1;
  const bucket = `${family.name}_bucket`;
  const sum = `${family.name}_sum`;
  const count = `${family.name}_count`;
  const n = family.buckets.length;
  for (const s of family.series.values()) {
    const h = s as unknown as { counts: Float64Array; sum: number };
    // A series' samples are computed in one go, so its buckets, sum and count are of one instant
    // even when the render pauses among them. Summed in bucket order as histogramCount()
    // does: the buckets never decrease and +Inf is the count.
    const samples: SampleSnapshot[] = new Array<SampleSnapshot>(n + 3);
    let cumulative = 0;
    for (let i = 0; i < n; i++) {
      cumulative += h.counts[i]!;
      samples[i] = { metricName: bucket, sharedLabels: s.labels, labels: le(family.buckets[i]!), value: cumulative };
    }
    cumulative += h.counts[n]!;
    samples[n] = { metricName: bucket, sharedLabels: s.labels, labels: le('+Inf'), value: cumulative };
    samples[n + 1] = { metricName: sum, labels: s.labels, value: h.sum / scale };
    samples[n + 2] = { metricName: count, labels: s.labels, value: cumulative };
    yield* samples;
  }
}

function ownMetrics({ counters: c, seriesCount, memoryBytes }: ExpositionInput): MetricSnapshot[] {
  const p = OWN_METRIC_PREFIX;
  const counter = (name: string, help: string, values: SampleSnapshot[]): MetricSnapshot => ({
    name: p + name,
    type: 'counter',
    help,
    values,
  });
  return [
    counter('batches_total', 'Batches received over HTTP and WebSocket, by response status', [
      { labels: STATUS[200], value: c.batchesAccepted },
      { labels: STATUS[400], value: c.batchesBadRequest },
      { labels: STATUS[401], value: c.batchesUnauthorized },
      { labels: STATUS[409], value: c.batchesReplayed },
      { labels: STATUS[413], value: c.batchesTooLarge },
      { labels: STATUS[503], value: c.batchesUnavailable },
    ]),
    counter('metrics_total', 'Metrics in accepted batches, by outcome', [
      { labels: ACCEPTED, value: c.metricsAccepted },
      { labels: REJECTED, value: c.metricsRejected },
    ]),
    counter('statsd_lines_total', 'StatsD lines received over UDP and TCP, by outcome', [
      { labels: ACCEPTED, value: c.statsdLines },
      { labels: REJECTED, value: c.statsdBadLines },
    ]),
    counter(
      'rejected_total',
      'Batch metrics and StatsD lines rejected, by the first reason',
      REJECT_REASONS.map((reason) => ({ labels: REASON[reason], value: c.rejected[reason] })),
    ),
    counter('series_dropped_total', 'New series dropped because maxSeries or the memory budget was reached', [
      { labels: NO_LABELS, value: c.seriesDropped },
    ]),
    counter('set_members_dropped_total', 'Set members dropped: set full, member too long, or memory budget reached', [
      { labels: NO_LABELS, value: c.setMembersDropped },
    ]),
    counter('requests_timed_out_total', 'HTTP requests answered 408 because they did not arrive within requestTimeoutMs', [
      { labels: NO_LABELS, value: c.requestsTimedOut },
    ]),
    counter('connections_refused_total', 'Connections closed at once because maxConnections were open', [
      { labels: NO_LABELS, value: c.connectionsRefused },
    ]),
    counter('connections_evicted_total', 'Idle HTTP connections closed to make room for a new one at maxConnections', [
      { labels: NO_LABELS, value: c.connectionsEvicted },
    ]),
    { name: `${p}series`, type: 'gauge', help: 'Distinct series held', values: [{ labels: NO_LABELS, value: seriesCount }] },
    {
      name: `${p}memory_bytes`,
      type: 'gauge',
      help: 'Bytes of maxMemoryBytes in use (estimated): series, set members, bodies being received, batch ids',
      values: [{ labels: NO_LABELS, value: memoryBytes }],
    },
  ];
}

const STATUS = {
  200: Object.freeze({ status: '200' }),
  400: Object.freeze({ status: '400' }),
  401: Object.freeze({ status: '401' }),
  409: Object.freeze({ status: '409' }),
  413: Object.freeze({ status: '413' }),
  503: Object.freeze({ status: '503' }),
} as const;
const REASON = Object.fromEntries(REJECT_REASONS.map((r) => [r, Object.freeze({ reason: r })])) as Record<
  RejectReason,
  Readonly<{ reason: string }>
>;
const ACCEPTED = Object.freeze({ outcome: 'accepted' });
const REJECTED = Object.freeze({ outcome: 'rejected' });
