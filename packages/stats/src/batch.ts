// What the client sends: the protocol's metrics (plus a timer's sample rate, for StatsD lines),
// grouped in batches, with what each batch weighs (values and memory) for the queue's bounds.
import type { CounterMetric, GaugeMetric, SamplesMetric, SetMetric } from '@sightline/stats-protocol';

/** A counter's delta in a batch (the stats protocol's counter metric). */
export type CounterRecord = CounterMetric;
/** A gauge's last value in a batch (the stats protocol's gauge metric), or its change. */
export interface GaugeRecord extends GaugeMetric {
  /**
   * True when `value` is a change (hot-shots' `gaugeDelta`: no value was set in the window), sent
   * as StatsD `+n` / `-n`. Not part of the JSON protocol: http and ws clients refuse deltas.
   */
  readonly delta?: boolean;
}

/** A timer's or histogram's samples in a batch. */
export interface SamplesRecord extends SamplesMetric {
  /**
   * The sample rate the values were recorded at, when below 1. Not part of the JSON protocol (the
   * server gets the kept samples); StatsD lines carry it as `|@rate` so the daemon scales counts.
   */
  readonly sampleRate?: number;
}

/** Distinct members of a StatsD set, seen in one window. */
export type SetRecord = SetMetric;

/** One metric in a batch: counter, gauge, samples or set. */
export type MetricRecord = CounterRecord | GaugeRecord | SamplesRecord | SetRecord;

/** One batch of metric records, as a transport sends it. */
export interface Batch {
  /** Increases by one per batch a client creates (the halves of a split batch share it). */
  readonly seq: number;
  /** The records, in the order they were cut. */
  readonly metrics: readonly MetricRecord[];
  /**
   * Values the batch carries: the metric calls aggregated into each counter and gauge, one per
   * timer or histogram sample. What `sentValues`, `droppedValues` and `failedValues` count.
   */
  readonly size: number;
  /** Values per record, when they differ from `recordSize` (aggregated counters and gauges). */
  readonly counts?: readonly number[];
  /** Memory the batch holds, estimated: what `maxQueuedBytes` bounds. */
  readonly bytes?: number;
}

/** Series values a record holds: one per counter or gauge, one per sample. */
export function recordSize(record: MetricRecord): number {
  return record.type === 'counter' || record.type === 'gauge' ? 1 : record.values.length;
}

/** Per-record overhead of an object and its strings, in bytes; a sample is a double (8 bytes). */
const RECORD_OVERHEAD = 64;

/** Estimated memory of a record: its object, name, tags and samples. */
export function recordBytes(record: MetricRecord): number {
  let bytes = RECORD_OVERHEAD + 2 * record.name.length;
  if (record.tags) for (const k of Object.keys(record.tags)) bytes += 2 * (k.length + record.tags[k]!.length) + 16;
  if (record.type === 'timer' || record.type === 'histogram') bytes += 8 * record.values.length;
  else if (record.type === 'set') for (const v of record.values) bytes += 16 + 2 * v.length;
  return bytes;
}

/** A batch of `metrics`; `counts` gives each record's values when it aggregated several calls. */
export function makeBatch(seq: number, metrics: readonly MetricRecord[], counts?: readonly number[]): Batch {
  let size = 0;
  let bytes = 0;
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!;
    size += counts?.[i] ?? recordSize(m);
    bytes += recordBytes(m);
  }
  return counts === undefined ? { seq, metrics, size, bytes } : { seq, metrics, size, counts, bytes };
}

/** True when `splitBatch` can split it: two records or more, or one timer with two samples or more. */
export function canSplit(batch: Batch): boolean {
  const only = batch.metrics[0];
  if (batch.metrics.length !== 1 || only === undefined) return batch.metrics.length > 1;
  return only.type !== 'counter' && only.type !== 'gauge' && only.values.length > 1;
}

/**
 * Splits a batch in two halves (by records, or a lone timer by its samples), for a receiver that
 * refused it as too large. Undefined when it cannot be split (one counter or gauge).
 */
export function splitBatch(batch: Batch): [Batch, Batch] | undefined {
  const { metrics, counts } = batch;
  if (metrics.length >= 2) {
    const half = Math.ceil(metrics.length / 2);
    return [
      makeBatch(batch.seq, metrics.slice(0, half), counts?.slice(0, half)),
      makeBatch(batch.seq, metrics.slice(half), counts?.slice(half)),
    ];
  }
  const only = metrics[0];
  if (!canSplit(batch) || only === undefined || only.type === 'counter' || only.type === 'gauge') return undefined;
  const half = Math.ceil(only.values.length / 2);
  const part = (from: number, to?: number): MetricRecord =>
    only.type === 'set' ? { ...only, values: only.values.slice(from, to) } : { ...only, values: only.values.slice(from, to) };
  return [makeBatch(batch.seq, [part(0, half)]), makeBatch(batch.seq, [part(half)])];
}

/** Memory a batch holds, estimated. */
export function batchBytes(batch: Batch): number {
  if (batch.bytes !== undefined) return batch.bytes;
  let bytes = 0;
  for (const m of batch.metrics) bytes += recordBytes(m);
  return bytes;
}
