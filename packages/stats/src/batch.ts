// What the client sends: metric records in exactly the stats protocol's shape, grouped in batches.
import type { Tags } from './metric-name.js';

export interface CounterRecord {
  readonly type: 'counter';
  readonly name: string;
  /** The sum, already scaled for the sample rate. */
  readonly value: number;
  readonly tags?: Tags;
}

export interface GaugeRecord {
  readonly type: 'gauge';
  readonly name: string;
  readonly value: number;
  readonly tags?: Tags;
}

export interface SamplesRecord {
  readonly type: 'timer' | 'histogram';
  readonly name: string;
  /** Every sample kept; timers in milliseconds. */
  readonly values: readonly number[];
  readonly tags?: Tags;
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
