// Checks applied once when a metric is defined, so a bad name fails at startup, not at scrape.
import { InvalidLabelNameError, InvalidMetricNameError, InvalidMetricOptionError } from './errors.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Suffixes Prometheus generates for a histogram or summary's series. */
const GENERATED_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

export function validateMetricName(name: string, kind: MetricKind): void {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw new InvalidMetricNameError(String(name), 'metric names match [a-zA-Z_:][a-zA-Z0-9_:]*', 'invalid metric name');
  }
  if (kind === 'histogram' || kind === 'summary') {
    const suffix = GENERATED_SUFFIXES.find((s) => name.endsWith(s));
    if (suffix) {
      throw new InvalidMetricNameError(
        name,
        `a ${kind} name must not end in _bucket, _count or _sum`,
        `the ${kind}'s generated series would collide with ${suffix}`,
      );
    }
  }
}

export function validateLabelNames(metric: string, kind: MetricKind, labels: readonly string[]): void {
  if (!Array.isArray(labels)) {
    throw new InvalidLabelNameError(metric, 'labels is an array of label names', `labels must be an array, got ${typeof labels}`);
  }
  const seen = new Set<string>();
  for (const label of labels) {
    if (typeof label !== 'string' || !LABEL_NAME.test(label)) {
      throw new InvalidLabelNameError(metric, 'label names match [a-zA-Z_][a-zA-Z0-9_]*', `invalid label name ${JSON.stringify(label)}`);
    }
    if (label.startsWith('__')) {
      throw new InvalidLabelNameError(
        metric,
        'label names starting with __ are reserved for Prometheus',
        `reserved label name ${JSON.stringify(label)}`,
      );
    }
    if (kind === 'histogram' && label === 'le') {
      throw new InvalidLabelNameError(metric, 'le is reserved on histograms for bucket bounds', 'reserved label name "le"');
    }
    if (kind === 'summary' && label === 'quantile') {
      throw new InvalidLabelNameError(metric, 'quantile is reserved on summaries for quantile values', 'reserved label name "quantile"');
    }
    if (seen.has(label)) {
      throw new InvalidLabelNameError(metric, 'each label name appears once', `label ${JSON.stringify(label)} is repeated`);
    }
    seen.add(label);
  }
}

export function validateHelp(metric: string, help: string): void {
  if (typeof help !== 'string' || help.length === 0) {
    throw new InvalidMetricOptionError(metric, 'help is a non-empty string', 'missing help text');
  }
}

export function validateBuckets(metric: string, buckets: readonly number[]): void {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidMetricOptionError(metric, 'buckets is a non-empty array of numbers', 'no buckets given');
  }
  for (let i = 0; i < buckets.length; i++) {
    const b: unknown = buckets[i];
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new InvalidMetricOptionError(
        metric,
        'bucket bounds are finite numbers (+Inf is added automatically)',
        `bucket ${String(b)} is not a finite number`,
      );
    }
    if (i > 0 && b <= buckets[i - 1]!) {
      throw new InvalidMetricOptionError(
        metric,
        'bucket bounds increase strictly',
        `bucket ${b} does not exceed the one before it (${buckets[i - 1]})`,
      );
    }
  }
}

export function validatePercentiles(metric: string, percentiles: readonly number[]): void {
  if (!Array.isArray(percentiles) || percentiles.length === 0) {
    throw new InvalidMetricOptionError(metric, 'percentiles is a non-empty array of numbers in [0, 1]', 'no percentiles given');
  }
  for (const p of percentiles) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new InvalidMetricOptionError(metric, 'percentiles are numbers in [0, 1]', `percentile ${String(p)} is out of range`);
    }
  }
}

/** Label names for default labels and the instance id: the same rules as a metric's own labels. */
export function validateDefaultLabels(labels: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(labels)) {
    validateLabelNames('(default labels)', 'gauge', [name]);
    if (typeof value !== 'string') {
      throw new InvalidLabelNameError('(default labels)', 'default label values are strings', `label ${name} has a ${typeof value} value`);
    }
  }
}
