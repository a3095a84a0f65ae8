// What the renderer reads: metric families at one instant, as plain data. prom-client's `get()`
// returns this shape, and any other source (an aggregate, a receiver's store) can build it.

/** Label names to values; `undefined` values are left out. */
export type LabelSet = Readonly<Record<string, string | number | undefined>>;

/** One sample as prom-client's `get()` / `getForPromString()` return it. */
export interface SampleSnapshot {
  /** The sample's value. */
  readonly value: number;
  /** The sample's own labels. */
  readonly labels?: LabelSet;
  /** Labels common to a histogram series' samples (prom-client keeps them apart from `le`). */
  readonly sharedLabels?: LabelSet;
  /** The sample's own name when it differs from the family's: `x_bucket`, `x_sum`, `x_count`. */
  readonly metricName?: string;
  /** A histogram bucket's exemplar; rendered in OpenMetrics only. */
  readonly exemplar?: ExemplarSnapshot | null;
}

/** An OpenMetrics exemplar: labels (a trace id), the observed value, when (seconds since the epoch). */
export interface ExemplarSnapshot {
  /** The exemplar's labels, e.g. `{ trace_id, span_id }`. */
  readonly labelSet: Readonly<Record<string, string>>;
  /** The observed value the exemplar stands for. */
  readonly value: number;
  /** When it was observed, in seconds since the epoch; left out of the line when absent. */
  readonly timestamp?: number;
}

/** One metric family at one instant. */
export interface MetricSnapshot {
  /** The metric family's name, e.g. `http_requests_total`. */
  readonly name: string;
  /** The family's HELP text. */
  readonly help: string;
  /** `counter`, `gauge`, `histogram` or `summary`; anything else renders as untyped / unknown. */
  readonly type: string;
  /** The family's samples. */
  readonly values: readonly SampleSnapshot[];
}
