// Metric families at one instant, as plain data: what a source hands to a renderer (text for a
// scraper) or to an in-process reader (the status page's charts) without going through text.

/**
 * One metric family at one instant. prom-client's `get()` returns this shape; any other source (an
 * aggregate, a receiver's store, an OpenTelemetry reader) can build it.
 */
export interface MetricSnapshot {
  /** The metric family's name, e.g. `http_requests_total`. */
  readonly name: string;
  /** The family's HELP text. */
  readonly help: string;
  /** `counter`, `gauge`, `histogram` or `summary`; anything else renders as untyped / unknown. */
  readonly type: string;
  /** The family's samples. */
  readonly values: ReadonlyArray<{
    /** The sample's value. */
    readonly value: number;
    /** The sample's own labels; `undefined` values are left out. */
    readonly labels?: Readonly<Record<string, string | number | undefined>>;
    /** Labels common to a histogram series' samples (prom-client keeps them apart from `le`). */
    readonly sharedLabels?: Readonly<Record<string, string | number | undefined>>;
    /** The sample's own name when it differs from the family's: `x_bucket`, `x_sum`, `x_count`. */
    readonly metricName?: string;
    /** A histogram bucket's exemplar (labels such as a trace id, the observed value, seconds since the epoch); OpenMetrics only. */
    readonly exemplar?: {
      readonly labelSet: Readonly<Record<string, string>>;
      readonly value: number;
      readonly timestamp?: number;
    } | null;
  }>;
}
