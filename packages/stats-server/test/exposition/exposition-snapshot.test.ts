import fc from 'fast-check';
import { MetricStore } from '../../src/aggregation/metric-store.js';
import type { ExpositionFormat } from '@sightline/core';
import { renderExposition } from '@sightline/exposition';
import { expositionSnapshot, type ExpositionInput } from '../../src/exposition/exposition-snapshot.js';
import { createMetricsSource } from '../../src/exposition/metrics-source.js';
import { newIngestCounters } from '../../src/ingest-stats.js';
import { storeLimits } from '../helpers.js';
import { applyStatsdSample } from '../../src/aggregation/apply.js';
import { parseStatsdLine } from '../../src/statsd/parse-line.js';

function fixture() {
  const counters = newIngestCounters();
  const store = new MetricStore(
    { ...storeLimits(), maxSeries: 10, timerBuckets: [0.01, 0.1], histogramBuckets: [100], maxSetMembers: 10 },
    counters,
  );
  store.addCounter('orders.created', { region: 'eu', 'http.method': 'GET' }, 42);
  store.setGauge('queue.depth', undefined, 7);
  store.observe('timer', 'db.query', undefined, [5, 50, 500]);
  store.observe('histogram', 'payload.bytes', { kind: 'a"b\\c\nd' }, [100, 2048]);
  store.addToSet('users.unique', undefined, ['u1', 'u2']);
  counters.batchesAccepted = 3;
  counters.batchesUnauthorized = 1;
  counters.metricsAccepted = 5;
  counters.statsdBadLines = 2;
  counters.seriesDropped = 4;
  counters.rejected.tag_length = 2;
  const input = () => ({ families: store.familyList(), counters, seriesCount: store.seriesCount, memoryBytes: 1234 });
  return { store, counters, input };
}

const OWN = `# HELP sightline_stats_server_batches_total Batches received over HTTP and WebSocket, by response status
# TYPE sightline_stats_server_batches_total counter
sightline_stats_server_batches_total{status="200"} 3
sightline_stats_server_batches_total{status="400"} 0
sightline_stats_server_batches_total{status="401"} 1
sightline_stats_server_batches_total{status="409"} 0
sightline_stats_server_batches_total{status="413"} 0
sightline_stats_server_batches_total{status="503"} 0
# HELP sightline_stats_server_metrics_total Metrics in accepted batches, by outcome
# TYPE sightline_stats_server_metrics_total counter
sightline_stats_server_metrics_total{outcome="accepted"} 5
sightline_stats_server_metrics_total{outcome="rejected"} 0
# HELP sightline_stats_server_statsd_lines_total StatsD lines received over UDP and TCP, by outcome
# TYPE sightline_stats_server_statsd_lines_total counter
sightline_stats_server_statsd_lines_total{outcome="accepted"} 0
sightline_stats_server_statsd_lines_total{outcome="rejected"} 2
# HELP sightline_stats_server_rejected_total Batch metrics and StatsD lines rejected, by the first reason
# TYPE sightline_stats_server_rejected_total counter
sightline_stats_server_rejected_total{reason="malformed"} 0
sightline_stats_server_rejected_total{reason="name_length"} 0
sightline_stats_server_rejected_total{reason="tag_length"} 2
sightline_stats_server_rejected_total{reason="too_many_tags"} 0
sightline_stats_server_rejected_total{reason="set_member_length"} 0
sightline_stats_server_rejected_total{reason="name_clash"} 0
sightline_stats_server_rejected_total{reason="reserved_name"} 0
sightline_stats_server_rejected_total{reason="series_limit"} 0
sightline_stats_server_rejected_total{reason="set_members_limit"} 0
sightline_stats_server_rejected_total{reason="memory_budget"} 0
sightline_stats_server_rejected_total{reason="negative_observation"} 0
sightline_stats_server_rejected_total{reason="non_finite"} 0
# HELP sightline_stats_server_series_dropped_total New series dropped because maxSeries or the memory budget was reached
# TYPE sightline_stats_server_series_dropped_total counter
sightline_stats_server_series_dropped_total 4
# HELP sightline_stats_server_set_members_dropped_total Set members dropped: set full, member too long, or memory budget reached
# TYPE sightline_stats_server_set_members_dropped_total counter
sightline_stats_server_set_members_dropped_total 0
# HELP sightline_stats_server_requests_timed_out_total HTTP requests answered 408 because they did not arrive within requestTimeoutMs
# TYPE sightline_stats_server_requests_timed_out_total counter
sightline_stats_server_requests_timed_out_total 0
# HELP sightline_stats_server_connections_refused_total Connections closed at once because maxConnections were open
# TYPE sightline_stats_server_connections_refused_total counter
sightline_stats_server_connections_refused_total 0
# HELP sightline_stats_server_connections_evicted_total Idle HTTP connections closed to make room for a new one at maxConnections
# TYPE sightline_stats_server_connections_evicted_total counter
sightline_stats_server_connections_evicted_total 0
# HELP sightline_stats_server_series Distinct series held
# TYPE sightline_stats_server_series gauge
sightline_stats_server_series 5
# HELP sightline_stats_server_memory_bytes Bytes of maxMemoryBytes in use (estimated): series, set members, bodies being received, batch ids
# TYPE sightline_stats_server_memory_bytes gauge
sightline_stats_server_memory_bytes 1234
`;

const RECEIVED = `# HELP orders_created_total Received by sightline-stats-server: counter "orders.created"
# TYPE orders_created_total counter
orders_created_total{http_method="GET",region="eu"} 42
# HELP queue_depth Received by sightline-stats-server: gauge "queue.depth"
# TYPE queue_depth gauge
queue_depth 7
# HELP db_query_seconds Received by sightline-stats-server: timer "db.query", in seconds
# TYPE db_query_seconds histogram
db_query_seconds_bucket{le="0.01"} 1
db_query_seconds_bucket{le="0.1"} 2
db_query_seconds_bucket{le="+Inf"} 3
db_query_seconds_sum 0.555
db_query_seconds_count 3
# HELP payload_bytes Received by sightline-stats-server: histogram "payload.bytes"
# TYPE payload_bytes histogram
payload_bytes_bucket{kind="a\\"b\\\\c\\nd",le="100"} 1
payload_bytes_bucket{kind="a\\"b\\\\c\\nd",le="+Inf"} 2
payload_bytes_sum{kind="a\\"b\\\\c\\nd"} 2148
payload_bytes_count{kind="a\\"b\\\\c\\nd"} 2
# HELP users_unique Received by sightline-stats-server: set "users.unique", distinct members seen
# TYPE users_unique gauge
users_unique 2
`;

// The server's snapshot through the toolkit's one renderer.
const render = (input: ExpositionInput, format: ExpositionFormat = 'prometheus') => renderExposition(expositionSnapshot(input), { format });

describe('expositionSnapshot', () => {
  it('renders the server counters, then every family, in the Prometheus text format', () => {
    const { input } = fixture();
    expect(render(input())).toBe(`${OWN}${RECEIVED}`);
  });

  it('renders OpenMetrics: counter families without _total, samples with it, and # EOF', () => {
    const { input } = fixture();
    const text = render(input(), 'openmetrics');
    expect(text).toContain('# TYPE orders_created counter\norders_created_total{http_method="GET",region="eu"} 42\n');
    expect(text).toContain('# TYPE sightline_stats_server_series_dropped counter\nsightline_stats_server_series_dropped_total 4\n');
    expect(text).toContain('# TYPE db_query_seconds histogram\ndb_query_seconds_bucket{le="0.01"} 1\n');
    expect(text.endsWith('users_unique 2\n# EOF\n')).toBe(true);
    // Rendering OpenMetrics leaves the Prometheus rendering as it was.
    expect(render(input())).toBe(`${OWN}${RECEIVED}`);
  });
});

describe('createMetricsSource', () => {
  it('renders Prometheus text and negotiates OpenMetrics from the Accept header', async () => {
    const { input } = fixture();
    const source = createMetricsSource(input);
    expect(source.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await source.render()).toBe(`${OWN}${RECEIVED}`);
    const open = await source.negotiate('application/openmetrics-text; version=1.0.0,text/plain;q=0.5');
    expect(open.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.body.endsWith('# EOF\n')).toBe(true);
    const plain = await source.negotiate(undefined);
    expect(plain).toEqual({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: `${OWN}${RECEIVED}` });
  });

  it('reads the store at each render', async () => {
    const { input, store } = fixture();
    const source = createMetricsSource(input);
    store.setGauge('queue.depth', undefined, 9);
    expect(await source.render()).toContain('\nqueue_depth 9\n');
  });

  it('negotiates as @sightline/exposition does: text when the Accept header prefers it', async () => {
    const { input } = fixture();
    const source = createMetricsSource(input);
    const out = await source.negotiate('text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0;q=0.5');
    expect(out).toEqual({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: `${OWN}${RECEIVED}` });
    expect(source.formats).toEqual(['prometheus', 'openmetrics']);
    expect(await source.render('openmetrics')).toBe(render(input(), 'openmetrics'));
  });
});

describe('histogram buckets whatever the sample rates (issue 24, item 4)', () => {
  const DEFAULT_TIMER_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

  function histogramStore(timerBuckets = DEFAULT_TIMER_BUCKETS) {
    return new MetricStore(
      { ...storeLimits(), maxSeries: 10, timerBuckets, histogramBuckets: [1, 10, 100], maxSetMembers: 10 },
      newIngestCounters(),
    );
  }

  /** Each histogram series' exposed samples: cumulative buckets (+Inf last) and _count. */
  function exposedHistograms(store: MetricStore) {
    const snap = expositionSnapshot({ families: store.familyList(), counters: newIngestCounters(), seriesCount: 0, memoryBytes: 0 });
    return snap
      .filter((m) => m.type === 'histogram')
      .map((m) => {
        const buckets = m.values.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => v.value);
        const count = m.values.find((v) => v.metricName?.endsWith('_count'))!.value;
        return { name: m.name, buckets, count };
      });
  }

  function ingest(store: MetricStore, lines: readonly string[]) {
    for (const line of lines) {
      const parsed = parseStatsdLine(line);
      if (!parsed.ok) throw new Error(`${line}: ${parsed.error}`);
      for (const sample of parsed.samples) applyStatsdSample(store, sample);
    }
  }

  const monotone = (xs: readonly number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);

  it('keeps +Inf at or above le="10" for ten timer samples at @1e-300 (the reproduction)', () => {
    const store = histogramStore();
    // Summed in arrival order, the count of these came out below the cumulative le="10" bucket.
    ingest(
      store,
      [1, 3, 20, 1, 9, 0.5, 9, 300, 2, 40].map((v) => `t:${v}|ms|@1e-300`),
    );
    const [t] = exposedHistograms(store);
    expect(monotone(t!.buckets)).toBe(true);
    expect(t!.buckets[DEFAULT_TIMER_BUCKETS.length]).toBe(t!.count);
    expect(t!.buckets[DEFAULT_TIMER_BUCKETS.length - 1]).toBe(t!.count);
    expect(store.snapshot().timers.t!.count).toBe(t!.count);
    expect(t!.count).toBeGreaterThan(9.99e300);
  });

  it('property: cumulative buckets never decrease and +Inf equals the count, for any values and rates', () => {
    // Tiny rates give counts past 2^53, where float sums depend on their order: weighted to show up often.
    const rate = fc.oneof(
      { arbitrary: fc.constantFrom(1e-300, 1e-200, 1e-100, 1e-20), weight: 4 },
      { arbitrary: fc.constantFrom(1, 0.3, 0.7, 0.999), weight: 2 },
      { arbitrary: fc.double({ min: 1e-300, max: 1, noNaN: true }), weight: 1 },
    );
    const value = fc.oneof(
      fc.constantFrom(0, 0.5, 1, 2, 3, 9, 10, 20, 40, 99, 300, 5000, 11_000),
      fc.integer({ min: 0, max: 20_000 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
    );
    // Most samples share one rate per run (as one client sends them), some have their own.
    const sample = fc.record({
      // Mostly one series, so that enough samples of one rate meet in it.
      kind: fc.oneof({ arbitrary: fc.constant('ms'), weight: 4 }, fc.constantFrom('h', 'd')),
      name: fc.oneof({ arbitrary: fc.constant('a'), weight: 4 }, fc.constant('b')),
      value,
      rate: fc.option(rate, { freq: 4 }),
    });
    fc.assert(
      fc.property(rate, fc.array(sample, { minLength: 1, maxLength: 30 }), (runRate, samples) => {
        const store = histogramStore();
        ingest(
          store,
          samples.map((x) => {
            const r = x.rate ?? runRate;
            return `${x.name}:${x.value}|${x.kind}${r === 1 ? '' : `|@${r}`}`;
          }),
        );
        const snap = store.snapshot();
        for (const h of exposedHistograms(store)) {
          if (!monotone(h.buckets)) return false;
          if (h.buckets[h.buckets.length - 1] !== h.count) return false;
          // The snapshot's count is the same sum: `a_seconds` is the timer `a`, `a` the histogram `a`.
          const summary = h.name.endsWith('_seconds') ? snap.timers[h.name.slice(0, -'_seconds'.length)] : snap.histograms[h.name];
          if (summary?.count !== h.count) return false;
        }
        for (const summary of [...Object.values(snap.timers), ...Object.values(snap.histograms)]) {
          if (!Number.isFinite(summary.count) || summary.count < 0) return false;
        }
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});
