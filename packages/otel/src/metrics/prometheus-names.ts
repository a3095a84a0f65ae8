// OpenTelemetry metric data as core MetricSnapshots, named as the OpenTelemetry Prometheus exporter
// names them (opentelemetry-js's PrometheusSerializer): sanitised names and label keys, `_total` on
// monotonic sums, non-monotonic sums as gauges, cumulative `le` buckets, `otel_scope_name` /
// `otel_scope_version` labels, `target_info` from the resource. Units become name suffixes
// (`s` -> `_seconds`, `By` -> `_bytes`, `1` on a gauge -> `_ratio`) as the specification's
// Prometheus compatibility section and the Collector's exporter do, so dashboards built for
// OpenTelemetry's HTTP metrics (`http_server_request_duration_seconds`) work.
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricSnapshot } from '@sightline/core';

type Sample = MetricSnapshot['values'][number];
type Labels = Record<string, string>;

const INVALID_CHARACTERS = /[^a-z0-9_]/gi;
const MULTIPLE_UNDERSCORES = /_{2,}/g;

/** A metric or label name with every character Prometheus refuses as `_`, runs of `_` as one (the exporter's rule). */
export function sanitizeName(name: string): string {
  const sanitized = name.replace(INVALID_CHARACTERS, '_').replace(MULTIPLE_UNDERSCORES, '_');
  // A name may not start with a digit.
  return sanitized.length > 0 && sanitized[0]! >= '0' && sanitized[0]! <= '9' ? `_${sanitized}` : sanitized;
}

// UCUM units to Prometheus suffixes, as the specification's compatibility section lists them.
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};

const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** The suffix a unit adds to a name (`seconds`, `bytes_per_second`...), or '' for none: `{request}` annotations add nothing. */
export function unitSuffix(unit: string, type: 'counter' | 'gauge' | 'histogram'): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '1') return type === 'gauge' ? 'ratio' : '';
  if (bare === '') return '';
  const [main = '', per] = bare.split('/', 2);
  const word = (u: string, words: Readonly<Record<string, string>>): string => sanitizeName(words[u] ?? u).replace(/^_+|_+$/g, '');
  const mainWord = main === '' || main === '1' ? '' : word(main, UNIT_WORDS);
  const perWord = per === undefined || per === '' ? '' : word(per, PER_UNIT_WORDS);
  if (perWord === '') return mainWord;
  return mainWord === '' ? `per_${perWord}` : `${mainWord}_per_${perWord}`;
}

/** The Prometheus type of an OpenTelemetry metric: monotonic sums are counters, other sums gauges. */
function typeOf(metric: MetricData): 'counter' | 'gauge' | 'histogram' | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return undefined;
  }
}

/** The family name of `metric`, or undefined when sanitising leaves nothing usable (as the exporter refuses it). */
export function prometheusName(name: string, unit: string, type: 'counter' | 'gauge' | 'histogram'): string | undefined {
  let base = sanitizeName(name);
  if (base === '' || base === '_') return undefined;
  if (type === 'counter' && base.endsWith('_total')) base = base.slice(0, -'_total'.length);
  const suffix = unitSuffix(unit, type);
  if (suffix !== '' && base !== suffix && !base.endsWith(`_${suffix}`)) base = `${base}_${suffix}`;
  return type === 'counter' ? `${base}_total` : base;
}

/** A label value: strings as they are, anything else as JSON (the exporter's rule). */
function labelValue(value: AttributeValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Attributes as labels. Two keys that sanitise to one label are joined with `;` in key order (the
 * specification's rule), so no sample has a label twice.
 */
function labelsOf(attributes: Attributes, extra: Labels | undefined): Labels {
  const labels: Labels = {};
  const keys = Object.keys(attributes);
  let collided = false;
  for (const key of keys) {
    const name = sanitizeName(key);
    if (name in labels) collided = true;
    labels[name] = name in labels ? `${labels[name]};${labelValue(attributes[key])}` : labelValue(attributes[key]);
  }
  if (collided) {
    // Re-join in sorted key order so the value does not depend on the order attributes were given.
    for (const name of Object.keys(labels)) delete labels[name];
    for (const key of keys.sort()) {
      const name = sanitizeName(key);
      labels[name] = name in labels ? `${labels[name]};${labelValue(attributes[key])}` : labelValue(attributes[key]);
    }
  }
  return extra ? Object.assign(labels, extra) : labels;
}

/** What the conversion leaves out, so the caller can count and log it. */
export interface ConversionOptions {
  /** Only the families whose name this accepts are converted. */
  readonly wanted?: (family: string) => boolean;
  /** Instrumentation scopes (meter names) left out entirely. */
  readonly excludeScopes?: ReadonlySet<string>;
  /** Told of each metric left out because Prometheus has no form for it (exponential histograms). */
  readonly onUnsupported?: (name: string, kind: string) => void;
  /** Told of a metric whose name another of a different type took first. */
  readonly onConflict?: (name: string) => void;
  /** Whether to add the `target_info` family (default true). */
  readonly targetInfo?: boolean;
}

interface Family {
  name: string;
  help: string;
  type: string;
  values: Sample[];
}

function samplesOf(metric: MetricData, name: string, scope: Labels): Sample[] {
  const samples: Sample[] = [];
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    for (const point of metric.dataPoints) {
      const shared = labelsOf(point.attributes, scope);
      const { boundaries, counts } = point.value.buckets;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        const bound = boundaries[i];
        // The last count is the +Inf bucket; a boundary list that ends with Infinity already names it.
        if (bound === undefined && boundaries[boundaries.length - 1] === Infinity) break;
        samples.push({
          metricName: `${name}_bucket`,
          labels: { le: bound === undefined ? Infinity : bound },
          sharedLabels: shared,
          value: cumulative,
        });
      }
      samples.push({ metricName: `${name}_sum`, sharedLabels: shared, value: point.value.sum ?? 0 });
      samples.push({ metricName: `${name}_count`, sharedLabels: shared, value: point.value.count });
    }
    return samples;
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    for (const point of metric.dataPoints) samples.push({ labels: labelsOf(point.attributes, scope), value: point.value });
  }
  return samples;
}

/**
 * One collection as families, in the order the SDK gives them, `target_info` first. A family named
 * by several meters (two scopes recording `requests`) is one family whose samples differ by
 * `otel_scope_name`: a body never has a family twice.
 */
export function toMetricSnapshots(collected: ResourceMetrics, options: ConversionOptions = {}): MetricSnapshot[] {
  const { wanted, excludeScopes } = options;
  const families = new Map<string, Family>();
  const out: Family[] = [];
  if (options.targetInfo !== false && (!wanted || wanted('target_info'))) {
    const family: Family = {
      name: 'target_info',
      help: 'Target metadata',
      type: 'gauge',
      values: [{ labels: labelsOf(collected.resource.attributes, undefined), value: 1 }],
    };
    families.set(family.name, family);
    out.push(family);
  }
  for (const scopeMetrics of collected.scopeMetrics) {
    const { scope } = scopeMetrics;
    if (excludeScopes?.has(scope.name)) continue;
    const scopeLabels: Labels = { otel_scope_name: scope.name };
    if (scope.schemaUrl) scopeLabels.otel_scope_schema_url = scope.schemaUrl;
    if (scope.version) scopeLabels.otel_scope_version = scope.version;
    for (const metric of scopeMetrics.metrics) {
      const type = typeOf(metric);
      if (type === undefined) {
        options.onUnsupported?.(metric.descriptor.name, DataPointType[metric.dataPointType] ?? String(metric.dataPointType));
        continue;
      }
      const name = prometheusName(metric.descriptor.name, metric.descriptor.unit, type);
      if (name === undefined) {
        options.onUnsupported?.(metric.descriptor.name, 'empty name');
        continue;
      }
      if (wanted && !wanted(name)) continue;
      const values = samplesOf(metric, name, scopeLabels);
      let family = families.get(name);
      if (family === undefined) {
        family = { name, help: metric.descriptor.description || 'description missing', type, values };
        families.set(name, family);
        out.push(family);
      } else if (family.type === type) {
        family.values.push(...values);
      } else {
        options.onConflict?.(name);
      }
    }
  }
  return out;
}
