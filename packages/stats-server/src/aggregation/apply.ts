// Applies a validated batch metric or a parsed StatsD sample to the store.
import type { BatchMetric } from '@sightline/stats-protocol';
import type { StatsdSample } from '../statsd/parse-line.js';
import type { MetricStore } from './metric-store.js';
import type { Rejection } from './rejection.js';

/** `undefined` when stored, else why not. */
export function applyBatchMetric(store: MetricStore, metric: BatchMetric): Rejection | undefined {
  switch (metric.type) {
    case 'counter':
      return store.addCounter(metric.name, metric.tags, metric.value);
    case 'gauge':
      return store.setGauge(metric.name, metric.tags, metric.value);
    case 'timer':
    case 'histogram':
      return store.observe(metric.type, metric.name, metric.tags, metric.values);
    case 'set':
      return store.addToSet(metric.name, metric.tags, metric.values);
  }
}

/** Counters are scaled by 1 / sample rate; timings count 1 / rate observations; gauges and sets ignore it. */
export function applyStatsdSample(store: MetricStore, sample: StatsdSample): Rejection | undefined {
  const { name, tags, value } = sample;
  switch (sample.type) {
    case 'counter':
      return store.addCounter(name, tags, (value as number) / sample.sampleRate);
    case 'gauge':
      return store.setGauge(name, tags, value as number, sample.delta);
    case 'timer':
      return store.observe('timer', name, tags, [value as number], sample.sampleRate);
    case 'histogram':
    case 'distribution':
      return store.observe('histogram', name, tags, [value as number], sample.sampleRate);
    case 'set':
      return store.addToSet(name, tags, [value as string]);
  }
}
