// The queue metric set: depth, throughput, processing time and workers, by queue_name.
import { SightlineConfigError } from '@sightline/core';
import { resolveOptions, runSettled } from '@sightline/core/internal';
import { QUEUE_METRICS_SHAPE, type QueueMetricsOptions } from '../options.js';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsCollector } from '../metrics-collector.js';

/** A queue's live figures; what a `stats` function returns when the queue knows them itself. */
export interface QueueStats {
  /** Items waiting now. */
  readonly depth: number;
  /** Workers busy now. */
  readonly activeWorkers: number;
}

/** Records one queue's metrics. */
export interface QueueRecorder {
  /** The queue's name: its `queue_name` label. */
  readonly name: string;
  /** Sets the number of items waiting. */
  setDepth(depth: number): void;
  /** Sets the number of workers busy. */
  setActiveWorkers(workers: number): void;
  /** One item done: counts it, and records its processing time when given. */
  processed(seconds?: number): void;
  /**
   * Runs `work` as one item: a worker is active while it runs; when it settles the item is counted
   * and its duration recorded, whether it succeeded or threw.
   */
  run<T>(work: () => T): T;
  /** The queue's figures now: depth, active workers, and items processed since start. */
  stats(): QueueStats & { readonly processed: number };
}

/** Queue metrics by `queue_name`: depth, items processed, processing time and active workers. */
export interface QueueMetrics {
  /** `queue_depth`. */
  readonly depth: Gauge<'queue_name'>;
  /** `queue_items_processed_total`. */
  readonly processed: Counter<'queue_name'>;
  /** `queue_processing_duration_seconds`. */
  readonly duration: Histogram<'queue_name'>;
  /** `queue_active_workers`. */
  readonly activeWorkers: Gauge<'queue_name'>;
  /** The recorder for queue `name` (created once). `stats` is read at scrape for depth and workers. */
  queue(name: string, stats?: () => QueueStats): QueueRecorder;
}

/**
 * Defines `queue_depth`, `queue_items_processed_total`, `queue_processing_duration_seconds` and
 * `queue_active_workers`, by `queue_name`. Depth, workers and the processed count live in plain
 * fields exported at scrape; durations go to the prom-client histogram.
 */
export function queueMetrics(collector: MetricsCollector, options: QueueMetricsOptions = {}): QueueMetrics {
  const { buckets } = resolveOptions(QUEUE_METRICS_SHAPE, options, { source: 'queueMetrics()' });
  const recorders = new Map<string, QueueRecorder>();
  const labels = ['queue_name'] as const;

  const depth = collector.gauge('queue_depth', 'Items waiting in the queue', {
    labels,
    collect() {
      this.reset();
      for (const [name, r] of recorders) this.set({ queue_name: name }, r.stats().depth);
    },
  });
  const processed = collector.counter('queue_items_processed_total', 'Queue items processed', {
    labels,
    collect() {
      this.reset();
      for (const [name, r] of recorders) this.inc({ queue_name: name }, r.stats().processed);
    },
  });
  const duration = collector.histogram('queue_processing_duration_seconds', 'Time to process one queue item, in seconds', {
    labels,
    buckets,
  });
  const activeWorkers = collector.gauge('queue_active_workers', 'Workers processing queue items', {
    labels,
    collect() {
      this.reset();
      for (const [name, r] of recorders) this.set({ queue_name: name }, r.stats().activeWorkers);
    },
  });

  const create = (name: string, source: (() => QueueStats) | undefined): QueueRecorder => {
    let depthNow = 0;
    let workers = 0;
    let count = 0;
    const timing = duration.labels({ queue_name: name });
    const done = (start: number): void => {
      workers--;
      count++;
      timing.observe((performance.now() - start) / 1000);
    };
    return {
      name,
      setDepth(value) {
        depthNow = value;
      },
      setActiveWorkers(value) {
        workers = value;
      },
      processed(seconds) {
        count++;
        if (seconds !== undefined) timing.observe(seconds);
      },
      run<T>(work: () => T): T {
        workers++;
        const start = performance.now();
        const finish = () => done(start);
        return runSettled(work, finish, finish);
      },
      stats() {
        const live = source?.();
        return live
          ? { depth: live.depth, activeWorkers: live.activeWorkers, processed: count }
          : { depth: depthNow, activeWorkers: workers, processed: count };
      },
    };
  };

  return {
    depth,
    processed,
    duration,
    activeWorkers,
    queue(name, stats) {
      if (typeof name !== 'string' || name.length === 0) {
        throw new SightlineConfigError(`queueMetrics: queue name must be a non-empty string, got ${JSON.stringify(name)}`);
      }
      let recorder = recorders.get(name);
      if (!recorder) {
        recorder = create(name, stats);
        recorders.set(name, recorder);
      }
      return recorder;
    },
  };
}
