// Turns two successive expositions into the page's series: rates from counters, quantiles from
// histogram buckets, gauges as they are. Which families feed which chart is decided by name, so any
// backend that follows the toolkit's metric names (MetricsHooks, the HTTP and queue metric sets,
// the sensors, the stats-server) is charted without knowing the package.
import type { SeriesMeta } from './charts.js';
import { familyOf, type ParsedExposition, type Sample } from './exposition-parser.js';

export interface DerivedPoint {
  readonly meta: SeriesMeta;
  readonly value: number;
}

const QUANTILES = [0.5, 0.95, 0.99] as const;
const REQUEST_FAMILY = /(?:^|_)request_duration_seconds$/;
/** Outgoing requests (OpenTelemetry's `http_client_request_duration_seconds`): not the service's traffic. */
const CLIENT_FAMILY = /(?:^|_)client_request_duration_seconds$/;
const ERRORS_FAMILY = /(?:^|_)request_errors_total$/;
const MESSAGES = /^(?:([a-z0-9]+)_)?messages_(received|sent)_total$/;
const QUEUE_DEPTH = /(?:^|_)queue_depth$/;
const CONSUMER_LAG = /(?:^|_)consumer_lag$/;
const STATS_RECEIVED = 'sightline_stats_server_metrics_total';
const STATS_SERIES = 'sightline_stats_server_series';
/**
 * OpenTelemetry's HTTP server duration histogram (as the OpenTelemetry Prometheus exporter and
 * Sightline's automatic HTTP metrics name it), which carries the status code as a label: it brings
 * the request, error, latency and status-class charts.
 */
const OTEL_SERVER_DURATION = /(?:^|_)http_server_request_duration_seconds$/;
const STATUS_LABELS = ['status', 'code', 'status_code', 'http_response_status_code'] as const;

/**
 * The page's charts that have a family behind them, from the family names a source holds: the
 * request charts with a request histogram or error counter, the status-class chart with
 * `http_requests_total` (or OpenTelemetry's server duration histogram), messages, queues, lag and
 * the stats-server with theirs. The runtime charts are not listed: they are always drawn.
 */
export function chartsOfFamilies(families: Iterable<string>): Set<string> {
  const charts = new Set<string>();
  for (const family of families) {
    const total = family.endsWith('_total') ? family : `${family}_total`;
    if (REQUEST_FAMILY.test(family) && !CLIENT_FAMILY.test(family)) {
      charts.add('requests');
      charts.add('latency');
    }
    if (ERRORS_FAMILY.test(total)) charts.add('errors');
    if (total === 'http_requests_total') {
      charts.add('requests');
      charts.add('errors');
      charts.add('status');
    }
    if (OTEL_SERVER_DURATION.test(family)) {
      charts.add('errors');
      charts.add('status');
    }
    if (MESSAGES.test(total)) charts.add('messages');
    if (QUEUE_DEPTH.test(family)) charts.add('queue');
    if (CONSUMER_LAG.test(family)) charts.add('lag');
    if (total === STATS_RECEIVED || family === STATS_SERIES) charts.add('stats');
  }
  return charts;
}

/** `2xx` for 200..299, and so on; undefined for a value that is not a status code. */
export function statusClass(code: string): string | undefined {
  return /^[1-5]\d\d$/.test(code) ? `${code[0]}xx` : undefined;
}

function statusOf(sample: Sample): string | undefined {
  for (const name of STATUS_LABELS) {
    const v = label(sample, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Whether a family feeds one of the page's charts, by its name (with or without a counter's
 * `_total`): what the page reads from the sources every interval, rather than every family.
 */
export function isChartedFamily(family: string): boolean {
  const total = family.endsWith('_total') ? family : `${family}_total`;
  return (
    (REQUEST_FAMILY.test(family) && !CLIENT_FAMILY.test(family)) ||
    ERRORS_FAMILY.test(total) ||
    total === 'http_requests_total' ||
    OTEL_SERVER_DURATION.test(family) ||
    MESSAGES.test(total) ||
    QUEUE_DEPTH.test(family) ||
    CONSUMER_LAG.test(family) ||
    total === STATS_RECEIVED ||
    family === STATS_SERIES
  );
}

function label(sample: Sample, name: string): string | undefined {
  for (const [k, v] of sample.labels) if (k === name) return v;
  return undefined;
}

/** `op` from MetricsHooks metrics, `METHOD endpoint` from the HTTP metric sets (the seed's names and OpenTelemetry's). */
function opOf(sample: Sample): string {
  const op = label(sample, 'op');
  if (op !== undefined) return op;
  const endpoint = label(sample, 'endpoint') ?? label(sample, 'route') ?? label(sample, 'http_route') ?? label(sample, 'path');
  const method = label(sample, 'method') ?? label(sample, 'http_request_method');
  if (endpoint !== undefined) return method ? `${method} ${endpoint}` : endpoint;
  return 'all';
}

/** Which backend a family came from, when two report the same op: `demo_request_duration_seconds` -> `demo`. */
function sourceOf(family: string, suffix: RegExp): string {
  return family.replace(suffix, '').replace(/_$/, '');
}

const isOwnSource = (source: string): boolean => source === '' || source === 'http' || source === 'http_server' || source === 'sightline';

function describeOp(op: string, family: string, suffix: RegExp): string {
  const source = sourceOf(family, suffix);
  return isOwnSource(source) ? op : `${op} (${source})`;
}

/** Linear interpolation inside the bucket holding the quantile, as PromQL's histogram_quantile. */
export function histogramQuantile(q: number, buckets: readonly (readonly [number, number])[]): number {
  if (buckets.length === 0) return NaN;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted[sorted.length - 1]![1];
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? bound : prevBound + ((bound - prevBound) * (rank - prevCount)) / inBucket;
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

class Accumulator {
  readonly points = new Map<string, { meta: SeriesMeta; value: number }>();

  add(meta: SeriesMeta, value: number): void {
    const existing = this.points.get(meta.key);
    if (existing) existing.value += value;
    else this.points.set(meta.key, { meta, value });
  }
}

/**
 * The derived values for one interval. `previous` maps series keys to the last interval's values;
 * a counter that went down (a restart) counts from zero.
 */
export function deriveSeries(
  current: ParsedExposition,
  previous: ReadonlyMap<string, number> | undefined,
  dtSeconds: number,
): DerivedPoint[] {
  const acc = new Accumulator();
  const delta = (s: Sample): number | undefined => {
    if (!previous) return undefined;
    const before = previous.get(s.key);
    if (before === undefined) return undefined;
    return s.value >= before ? s.value - before : s.value;
  };
  // Responses by status class: the rate of each class, summed over methods and endpoints.
  const addStatusClass = (s: Sample): void => {
    const status = statusOf(s);
    const cls = status === undefined ? undefined : statusClass(status);
    const d = delta(s);
    if (cls === undefined || d === undefined) return;
    acc.add({ key: `status|${cls}`, chart: 'status', label: cls, unit: '/s' }, d / dtSeconds);
  };
  // op -> le -> cumulative count delta, per request family
  const buckets = new Map<string, { family: string; op: string; byLe: Map<number, number> }>();

  for (const s of current.samples) {
    const family = familyOf(s.name, current.types);
    if (CLIENT_FAMILY.test(family)) continue;
    if (REQUEST_FAMILY.test(family)) {
      const op = opOf(s);
      if (s.name === `${family}_count` && OTEL_SERVER_DURATION.test(family)) {
        addStatusClass(s);
        // OpenTelemetry has no error counter: a server error is a 5xx answer (or `error_type`, an aborted one).
        const status = statusOf(s);
        const d = delta(s);
        if (d !== undefined && (status?.startsWith('5') || label(s, 'error_type') !== undefined))
          acc.add(
            { key: `errors|${family}|${op}`, chart: 'errors', label: describeOp(op, family, REQUEST_FAMILY), unit: '/s' },
            d / dtSeconds,
          );
      }
      const shown = describeOp(op, family, REQUEST_FAMILY);
      if (s.name === `${family}_count`) {
        const d = delta(s);
        if (d !== undefined) acc.add({ key: `requests|${family}|${op}`, chart: 'requests', label: shown, unit: '/s' }, d / dtSeconds);
      } else if (s.name === `${family}_bucket`) {
        const le = label(s, 'le');
        const d = delta(s);
        if (le === undefined || d === undefined) continue;
        const id = `${family}|${op}`;
        let entry = buckets.get(id);
        if (!entry) buckets.set(id, (entry = { family, op, byLe: new Map() }));
        const bound = le === '+Inf' ? Infinity : Number(le);
        entry.byLe.set(bound, (entry.byLe.get(bound) ?? 0) + d);
      }
      continue;
    }
    if (ERRORS_FAMILY.test(family) || ERRORS_FAMILY.test(s.name)) {
      const d = delta(s);
      const op = opOf(s);
      if (d !== undefined)
        acc.add(
          {
            key: `errors|${family}|${op}`,
            chart: 'errors',
            label: describeOp(op, family.replace(/_total$/, ''), /(?:^|_)request_errors$/),
            unit: '/s',
          },
          d / dtSeconds,
        );
      continue;
    }
    if (s.name === 'http_requests_total') {
      addStatusClass(s);
      const status = statusOf(s);
      if (status !== undefined && status.startsWith('5')) {
        const d = delta(s);
        const op = opOf(s);
        if (d !== undefined) acc.add({ key: `errors|http|${op}`, chart: 'errors', label: op, unit: '/s' }, d / dtSeconds);
      }
      continue;
    }
    const messages = MESSAGES.exec(s.name);
    if (messages) {
      const d = delta(s);
      const direction = messages[2] === 'received' ? 'in' : 'out';
      const source = messages[1] && messages[1] !== 'sightline' ? ` (${messages[1]})` : '';
      if (d !== undefined)
        acc.add({ key: `messages|${s.name}`, chart: 'messages', label: `${direction}${source}`, unit: '/s' }, d / dtSeconds);
      continue;
    }
    if (QUEUE_DEPTH.test(s.name)) {
      const name = label(s, 'queue_name') ?? label(s, 'queue') ?? s.name;
      acc.add({ key: `queue|${s.key}`, chart: 'queue', label: name, unit: '' }, s.value);
      continue;
    }
    if (CONSUMER_LAG.test(s.name)) {
      const partition = s.labels.map(([, v]) => v).join('/') || s.name;
      acc.add({ key: `lag|${s.key}`, chart: 'lag', label: partition, unit: '' }, s.value);
      continue;
    }
    if (s.name === STATS_RECEIVED) {
      const d = delta(s);
      const outcome = label(s, 'outcome') ?? 'all';
      if (d !== undefined) acc.add({ key: `stats|${s.key}`, chart: 'stats', label: `${outcome} /s`, unit: '/s' }, d / dtSeconds);
      continue;
    }
    if (s.name === STATS_SERIES) {
      acc.add({ key: 'stats|series', chart: 'stats', label: 'series held', unit: '' }, s.value);
    }
  }

  // Latency is charted from the toolkit's own histograms when there are any: a backend's copy of the
  // same requests (a stats-server's `demo_request_duration_seconds`) would only repeat the lines.
  const groups = [...buckets.values()];
  const own = groups.filter((g) => isOwnSource(sourceOf(g.family, REQUEST_FAMILY)));
  for (const { family, op, byLe } of own.length > 0 ? own : groups) {
    const list = [...byLe.entries()];
    const shown = describeOp(op, family, REQUEST_FAMILY);
    for (const q of QUANTILES) {
      const seconds = histogramQuantile(q, list);
      const p = `p${Math.round(q * 100)}`;
      acc.add({ key: `latency|${family}|${op}|${p}`, chart: 'latency', label: `${shown} ${p}`, unit: 'ms' }, seconds * 1000);
    }
  }
  return [...acc.points.values()];
}

/** A pinned series' value: its rate for counters (and histogram parts), else the value itself. */
export function isCumulative(sample: Sample, types: ReadonlyMap<string, string>): boolean {
  const type = types.get(familyOf(sample.name, types));
  if (type === 'counter' || type === 'histogram' || type === 'summary')
    return !(type === 'summary' && label(sample, 'quantile') !== undefined);
  return /_(total|count|sum|bucket)$/.test(sample.name);
}
