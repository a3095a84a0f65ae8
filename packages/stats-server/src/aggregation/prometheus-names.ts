// How received names and tags become Prometheus metric and label names.

/** Kinds of series the server aggregates; distributions (`|d`) are stored as histograms. */
export type SeriesKind = 'counter' | 'gauge' | 'timer' | 'histogram' | 'set';

/** Prefix of the server's own metrics; received metrics may not use it. */
export const OWN_METRIC_PREFIX = 'sightline_stats_server_';

const INVALID_NAME_CHARS = /[^A-Za-z0-9_]/g;
// Labels Prometheus reserves (`__*`) or that a histogram uses itself (`le`), plus `quantile`.
const RESERVED_LABELS = new Set(['le', 'quantile']);

/** `orders.created` -> `orders_created`; anything outside [A-Za-z0-9_] becomes `_`, never a leading digit. */
export function sanitizeMetricName(name: string): string {
  const replaced = name.replace(INVALID_NAME_CHARS, '_');
  return /^[0-9]/.test(replaced) || replaced === '' ? `_${replaced}` : replaced;
}

/** The family name a received metric is exposed under: counters end in `_total`, timers in `_seconds`. */
export function familyName(kind: SeriesKind, name: string): string {
  const base = sanitizeMetricName(name);
  if (kind === 'counter') return base.endsWith('_total') ? base : `${base}_total`;
  if (kind === 'timer') return base.endsWith('_seconds') ? base : `${base}_seconds`;
  return base;
}

/** A tag key as a label name: `http.method` -> `http_method`; `le`, `quantile` and `__x` get a `tag_` prefix. */
export function sanitizeLabelName(key: string): string {
  const base = sanitizeMetricName(key);
  return RESERVED_LABELS.has(base) || base.startsWith('__') ? `tag_${base}` : base;
}
