// What the client sends: the protocol's metrics (plus a timer's sample rate, for StatsD lines),
// grouped in batches.
import type { CounterMetric, GaugeMetric, SamplesMetric } from '@sightline/stats-protocol';

/** A counter's delta in a batch (the stats protocol's counter metric). */
export type CounterRecord = CounterMetric;
/** A gauge's last value in a batch (the stats protocol's gauge metric). */
export type GaugeRecord = GaugeMetric;

/** A timer's or histogram's samples in a batch. */
export interface SamplesRecord extends SamplesMetric {
  /**
   * The sample rate the values were recorded at, when below 1. Not part of the JSON protocol (the
   * server gets the kept samples); StatsD lines carry it as `|@rate` so the daemon scales counts.
   */
  readonly sampleRate?: number;
}

/** One metric in a batch: counter, gauge or samples. */
export type MetricRecord = CounterRecord | GaugeRecord | SamplesRecord;

/** One batch of metric records, as a transport sends it. */
export interface Batch {
  /** Increases by one per batch a client creates. */
  readonly seq: number;
  /** The records, in the order they were cut. */
  readonly metrics: readonly MetricRecord[];
  /** Number of values: one per counter or gauge, one per timer or histogram sample. */
  readonly size: number;
}

/** Values a record carries (what `maxBatchSize` counts). */
export function recordSize(record: MetricRecord): number {
  return record.type === 'counter' || record.type === 'gauge' ? 1 : record.values.length;
}
