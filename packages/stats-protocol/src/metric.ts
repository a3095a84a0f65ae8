// The metrics a batch carries, one interface per type, discriminated by `type`.

export type Tags = Readonly<Record<string, string>>;

export interface CounterMetric {
  readonly type: 'counter';
  readonly name: string;
  /** The sum, already scaled for the sample rate. */
  readonly value: number;
  readonly tags?: Tags;
}

export interface GaugeMetric {
  readonly type: 'gauge';
  readonly name: string;
  /** The last value. */
  readonly value: number;
  readonly tags?: Tags;
}

export interface SamplesMetric {
  readonly type: 'timer' | 'histogram';
  readonly name: string;
  /** Every sample kept; timers in milliseconds. */
  readonly values: readonly number[];
  readonly tags?: Tags;
}

export interface SetMetric {
  readonly type: 'set';
  readonly name: string;
  /** Members seen; the server counts distinct ones. */
  readonly values: readonly string[];
  readonly tags?: Tags;
}

export type BatchMetric = CounterMetric | GaugeMetric | SamplesMetric | SetMetric;
export type BatchMetricType = BatchMetric['type'];

export const BATCH_METRIC_TYPES: readonly BatchMetricType[] = Object.freeze(['counter', 'gauge', 'timer', 'histogram', 'set'] as const);
