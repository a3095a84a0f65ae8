// The metrics a batch carries, one interface per type, discriminated by `type`.

/** Tags of a metric, name to value, e.g. `{ region: 'eu' }`. */
export type Tags = Readonly<Record<string, string>>;

/** A counter's increment in a batch. */
export interface CounterMetric {
  /** Marks a counter. */
  readonly type: 'counter';
  /** The metric's name (see {@link METRIC_NAME_PATTERN}). */
  readonly name: string;
  /** The sum, already scaled for the sample rate. */
  readonly value: number;
  /** Tags of this series. Default none. */
  readonly tags?: Tags;
}

/** A gauge's value in a batch. */
export interface GaugeMetric {
  /** Marks a gauge. */
  readonly type: 'gauge';
  /** The metric's name (see {@link METRIC_NAME_PATTERN}). */
  readonly name: string;
  /** The last value. */
  readonly value: number;
  /** Tags of this series. Default none. */
  readonly tags?: Tags;
}

/** A timer's (milliseconds) or histogram's samples in a batch. */
export interface SamplesMetric {
  /** Marks a timer or a histogram. */
  readonly type: 'timer' | 'histogram';
  /** The metric's name (see {@link METRIC_NAME_PATTERN}). */
  readonly name: string;
  /** Every sample kept; timers in milliseconds. */
  readonly values: readonly number[];
  /** Tags of this series. Default none. */
  readonly tags?: Tags;
}

/** A set's members in a batch: the server counts distinct values. */
export interface SetMetric {
  /** Marks a set. */
  readonly type: 'set';
  /** The metric's name (see {@link METRIC_NAME_PATTERN}). */
  readonly name: string;
  /** Members seen; the server counts distinct ones. */
  readonly values: readonly string[];
  /** Tags of this series. Default none. */
  readonly tags?: Tags;
}

/** One metric of a batch, by its `type`. */
export type BatchMetric = CounterMetric | GaugeMetric | SamplesMetric | SetMetric;
/** A metric's type: `counter`, `gauge`, `timer`, `histogram` or `set`. */
export type BatchMetricType = BatchMetric['type'];

/** Every metric type a batch may carry. */
export const BATCH_METRIC_TYPES: readonly BatchMetricType[] = Object.freeze(['counter', 'gauge', 'timer', 'histogram', 'set'] as const);
