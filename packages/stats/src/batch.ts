// What the client sends: the protocol's metrics (plus a timer's sample rate, for StatsD lines),
// grouped in batches.
import type { CounterMetric, GaugeMetric, SamplesMetric } from '@sightline/stats-protocol';

export type CounterRecord = CounterMetric;
export type GaugeRecord = GaugeMetric;

export interface SamplesRecord extends SamplesMetric {
  /**
   * The sample rate the values were recorded at, when below 1. Not part of the JSON protocol (the
   * server gets the kept samples); StatsD lines carry it as `|@rate` so the daemon scales counts.
   */
  readonly sampleRate?: number;
}

export type MetricRecord = CounterRecord | GaugeRecord | SamplesRecord;

export interface Batch {
  /** Increases by one per batch a client creates. */
  readonly seq: number;
  readonly metrics: readonly MetricRecord[];
  /** Number of values: one per counter or gauge, one per timer or histogram sample. */
  readonly size: number;
}

/** Values a record carries (what `maxBatchSize` counts). */
export function recordSize(record: MetricRecord): number {
  return record.type === 'counter' || record.type === 'gauge' ? 1 : record.values.length;
}
