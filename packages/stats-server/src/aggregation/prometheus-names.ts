// How received names and tags become Prometheus metric and label names.

/** Kinds of series the server aggregates; distributions (`|d`) are stored as histograms. */
export type SeriesKind = 'counter' | 'gauge' | 'timer' | 'histogram' | 'set';

/** Prefix of the server's own metrics; received metrics may not use it. */
export const OWN_METRIC_PREFIX = 'sightline_stats_server_';

/** Default namespace of received metrics, so they never meet the application's own names. */
export const DEFAULT_METRIC_PREFIX = 'stats_';

/** What a prefix may be: the start of a Prometheus metric name, or empty. */
export const METRIC_PREFIX_PATTERN = /^(?:[A-Za-z_][A-Za-z0-9_]*)?$/;

const INVALID_NAME_CHARS = /[^A-Za-z0-9_]/g;
// Labels Prometheus reserves (`__*`) or that a histogram uses itself (`le`), plus `quantile`.
const RESERVED_LABELS = new Set(['le', 'quantile']);

/** `orders.created` -> `orders_created`; anything outside [A-Za-z0-9_] becomes `_`, never a leading digit. */
export function sanitizeMetricName(name: string): string {
  const replaced = name.replace(INVALID_NAME_CHARS, '_');
  return /^[0-9]/.test(replaced) || replaced === '' ? `_${replaced}` : replaced;
}

/**
 * The family name a received metric is exposed under, after `prefix`: counters end in `_total`,
 * timers in `_seconds`.
 */
export function familyName(kind: SeriesKind, name: string, prefix = ''): string {
  const base = sanitizeMetricName(prefix + name);
  if (kind === 'counter') return base.endsWith('_total') ? base : `${base}_total`;
  if (kind === 'timer') return base.endsWith('_seconds') ? base : `${base}_seconds`;
  return base;
}

/**
 * Every name a family uses in either exposition format: a counter `x_total` is the OpenMetrics
 * family `x`; a histogram writes `_bucket`, `_sum` and `_count` samples. Two families may not share
 * any of them, or the exposition is invalid (a gauge `x_sum` beside a histogram `x`).
 */
export function claimedNames(kind: SeriesKind, exposedName: string): readonly string[] {
  switch (kind) {
    case 'counter': {
      const base = exposedName.slice(0, -'_total'.length);
      return [base, exposedName, `${base}_created`];
    }
    case 'timer':
    case 'histogram':
      return [exposedName, `${exposedName}_bucket`, `${exposedName}_sum`, `${exposedName}_count`, `${exposedName}_created`];
    default:
      return [exposedName];
  }
}

/** A tag key as a label name: `http.method` -> `http_method`; `le`, `quantile` and `__x` get a `tag_` prefix. */
export function sanitizeLabelName(key: string): string {
  const base = sanitizeMetricName(key);
  return RESERVED_LABELS.has(base) || base.startsWith('__') ? `tag_${base}` : base;
}
