// The primary side: one /metrics for the whole cluster, aggregated with prom-client's aggregators.
import cluster, { type Worker } from 'node:cluster';
import { SightlineConfigError } from '@sightline/core';
import { resolveOptions } from '@sightline/core/internal';
import { snapshotSource, type MetricSnapshot, type NegotiatingMetricsSource } from '@sightline/exposition';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { snapshotRegistries } from '../exposition/registry-source.js';
import { CLUSTER_METRICS_SHAPE, type ClusterMetricsOptions } from '../options.js';
import { WorkerAnswers } from './worker-answers.js';

/** The cluster source, with the workers' remembered values under control. */
export interface ClusterMetricsSource extends NegotiatingMetricsSource {
  /**
   * Forgets a dead worker's counters: its share leaves the sums (Prometheus sees one reset). Returns
   * false for a worker that is unknown or still alive.
   */
  retireWorker(workerId: number): boolean;
  /** Retires every dead worker; returns how many. */
  retireDeadWorkers(): number;
  /**
   * Stops listening to the workers; a scrape in flight finishes with the answers it has, and later
   * ones serve the primary's registries and what is remembered. Calling it again returns the same
   * promise.
   */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Remembered {
  metrics: unknown[][];
  answeredAt: number;
  dead: boolean;
}

interface MetricJson {
  readonly type?: unknown;
}

/** What of a worker's last answer is still true when it no longer answers: monotonic series only. */
function monotonicOnly(metrics: unknown[][]): unknown[][] {
  return metrics.map((registry) => registry.filter((m) => (m as MetricJson).type !== 'gauge'));
}

const STALE_HELP = 'Whether a node:cluster worker is served from memory: 0 answered this scrape, 1 stale or dead';

/** Each worker's last answer, and which of them are current, stale or dead. */
class WorkerMemory {
  readonly #remembered = new Map<number, Remembered>();

  constructor(readonly staleAfterMs: number) {}

  /** A worker exited: its counters stay until retired. */
  exited(worker: Worker): void {
    const entry = this.#remembered.get(worker.id);
    if (entry) entry.dead = true;
  }

  /** Takes this scrape's answers; returns every registry to aggregate, and the stale gauge's samples. */
  merge(answers: ReadonlyMap<number, unknown[][]>, now: number) {
    for (const [id, metrics] of answers) this.#remembered.set(id, { metrics, answeredAt: now, dead: false });
    const registries: unknown[][] = [];
    const stale: Array<{ labels: { worker: string }; value: number }> = [];
    for (const [id, entry] of this.#remembered) {
      if (entry.dead || cluster.workers?.[id] === undefined) entry.dead = true;
      const current = answers.has(id) || (!entry.dead && now - entry.answeredAt <= this.staleAfterMs);
      for (const registry of current ? entry.metrics : monotonicOnly(entry.metrics)) registries.push(registry);
      stale.push({ labels: { worker: String(id) }, value: current ? 0 : 1 });
    }
    return { registries, stale };
  }

  retire(id: number): boolean {
    const entry = this.#remembered.get(id);
    if (!entry || !(entry.dead || cluster.workers?.[id] === undefined)) return false;
    return this.#remembered.delete(id);
  }

  retireDead(): number {
    let n = 0;
    for (const id of [...this.#remembered.keys()]) if (this.retire(id)) n++;
    return n;
  }
}

/**
 * In a node:cluster primary: a MetricsSource that asks every worker (each running
 * `exposeToClusterPrimary`) for its metrics over IPC, aggregates them with prom-client's
 * `AggregatorRegistry.aggregate` (counters and histograms summed, each metric's `aggregator`
 * respected) and renders one exposition, so a multi-process service is scraped once.
 *
 * A worker that misses a scrape (hung, slow) keeps its last values, gauges for `staleAfterMs`;
 * a dead worker keeps its counters until `retireWorker()`: a cluster's counters never reset because
 * one process stalled or restarted. `cluster_worker_stale{worker}` says which workers are remembered.
 */
export function clusterMetricsSource(options: ClusterMetricsOptions = {}): ClusterMetricsSource {
  const { timeoutMs, registries: own, staleAfterMs } = resolveOptions(CLUSTER_METRICS_SHAPE, options, { source: 'clusterMetricsSource()' });
  if (!cluster.isPrimary) {
    throw new SightlineConfigError('clusterMetricsSource() runs in the node:cluster primary; call exposeToClusterPrimary() in workers');
  }
  const memory = new WorkerMemory(staleAfterMs);
  const workers = new WorkerAnswers((worker) => memory.exited(worker));

  const source = snapshotSource(async (): Promise<MetricSnapshot[]> => {
    const mine = await Promise.all(own.map((r: Registry) => r.getMetricsAsJSON() as Promise<unknown[]>));
    const answers = await workers.gather(timeoutMs);
    const { registries, stale } = memory.merge(answers, Date.now());
    const snapshots = await snapshotRegistries([AggregatorRegistry.aggregate([...mine, ...registries])]);
    if (stale.length > 0) snapshots.push({ name: 'cluster_worker_stale', help: STALE_HELP, type: 'gauge', values: stale });
    return snapshots;
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (closed === undefined) {
      workers.close();
      closed = Promise.resolve();
    }
    return closed;
  };
  return {
    ...source,
    retireWorker: (id) => memory.retire(id),
    retireDeadWorkers: () => memory.retireDead(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
