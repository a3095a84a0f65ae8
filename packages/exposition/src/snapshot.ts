// What the renderer reads: metric families at one instant, as plain data. The family is core's
// `MetricSnapshot` (a MetricsSource's `collect()` returns it); the names below are its parts.
import type { MetricSnapshot } from '@sightline/core';

export type { MetricSnapshot };

/** One sample of a family, as prom-client's `get()` / `getForPromString()` return it. */
export type SampleSnapshot = MetricSnapshot['values'][number];

/** Label names to values; `undefined` values are left out. */
export type LabelSet = NonNullable<SampleSnapshot['labels']>;

/** An OpenMetrics exemplar: labels (a trace id), the observed value, when (seconds since the epoch). */
export type ExemplarSnapshot = NonNullable<SampleSnapshot['exemplar']>;
