// The primary side: one /metrics for the whole cluster, aggregated with prom-client's aggregators.
import cluster, { type Worker } from 'node:cluster';
import { getLogger, SightlineConfigError } from '@sightline/core';
import { validateOptions } from '@sightline/core/internal';
import { CLUSTER_METRICS_SHAPE } from '../options-shapes.js';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { snapshotSource, type MetricSnapshot, type NegotiatingMetricsSource } from '@sightline/exposition';
import { snapshotRegistries } from '../exposition/registry-source.js';
import { isMessage, METRICS_REQUEST, METRICS_RESPONSE, type MetricsResponseMessage } from './cluster-protocol.js';

const log = getLogger('sightline.prometheus.cluster');

/** Options of `clusterMetricsSource()`. */
export interface ClusterMetricsOptions {
  /** How long to wait for workers before rendering what arrived. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** The primary's own registries, aggregated with the workers'. */
  readonly registries?: readonly Registry[];
  /**
   * How long a live worker that stops answering has its last gauges served. Its counters,
   * histograms and summaries are served for as long as it lives, so sums never go backwards.
   * Default 60000 ms.
   */
  readonly staleAfterMs?: number;
}

/** The cluster source, with the workers' remembered values under control. */
export interface ClusterMetricsSource extends NegotiatingMetricsSource {
  /**
   * Forgets a dead worker's counters: its share leaves the sums (Prometheus sees one reset). Returns
   * false for a worker that is unknown or still alive.
   */
  retireWorker(workerId: number): boolean;
  /** Retires every dead worker; returns how many. */
  retireDeadWorkers(): number;
}

interface Pending {
  readonly waiting: Set<number>;
  readonly responses: Map<number, unknown[][]>;
  readonly finish: () => void;
}

const pending = new Map<number, Pending>();
let nextId = 1;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<MetricsResponseMessage>(message, METRICS_RESPONSE)) return;
    const request = pending.get(message.id);
    if (!request || !request.waiting.delete(worker.id)) return;
    if (message.error !== undefined) {
      log.warn(`worker ${worker.id} failed to collect metrics; its last values are served`, { worker: worker.id, error: message.error });
    } else if (message.metrics) {
      request.responses.set(worker.id, message.metrics as unknown[][]);
    }
    if (request.waiting.size === 0) request.finish();
  });
  // A worker that dies mid-scrape is not waited for.
  cluster.on('exit', (worker: Worker) => {
    for (const request of pending.values()) {
      if (request.waiting.delete(worker.id) && request.waiting.size === 0) request.finish();
    }
  });
}

/** Asks every live worker; resolves with the answers that came, by worker id. */
function gather(timeoutMs: number): Promise<Map<number, unknown[][]>> {
  return new Promise((resolve) => {
    const id = nextId++;
    const responses = new Map<number, unknown[][]>();
    const waiting = new Set<number>();
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (!worker || !worker.isConnected()) continue;
      try {
        worker.send({ type: METRICS_REQUEST, id });
        waiting.add(worker.id);
      } catch (error) {
        log.debug(`could not ask worker ${worker.id} for metrics`, { error: String(error) });
      }
    }
    if (waiting.size === 0) return resolve(responses);
    const timer = setTimeout(() => {
      log.warn(`workers ${[...waiting].join(', ')} did not answer within ${timeoutMs} ms; serving their last values`, {
        workers: [...waiting],
      });
      finish();
    }, timeoutMs);
    timer.unref();
    function finish(): void {
      if (!pending.delete(id)) return;
      clearTimeout(timer);
      resolve(responses);
    }
    pending.set(id, { waiting, responses, finish });
  });
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
  validateOptions(CLUSTER_METRICS_SHAPE, options, { source: 'clusterMetricsSource()' });
  if (!cluster.isPrimary) {
    throw new SightlineConfigError('clusterMetricsSource() runs in the node:cluster primary; call exposeToClusterPrimary() in workers');
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new SightlineConfigError(`clusterMetricsSource timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
  }
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  if (!Number.isFinite(staleAfterMs) || staleAfterMs < 0) {
    throw new SightlineConfigError(`clusterMetricsSource staleAfterMs must be a number >= 0, got ${String(options.staleAfterMs)}`);
  }
  const own = options.registries ?? [];
  const remembered = new Map<number, Remembered>();
  listen();
  cluster.on('exit', (worker: Worker) => {
    const entry = remembered.get(worker.id);
    if (entry) entry.dead = true;
  });

  const source = snapshotSource(async (): Promise<MetricSnapshot[]> => {
    const mine = await Promise.all(own.map((r) => r.getMetricsAsJSON() as Promise<unknown[]>));
    const answers = await gather(timeoutMs);
    const now = Date.now();
    for (const [id, metrics] of answers) remembered.set(id, { metrics, answeredAt: now, dead: false });
    const all: unknown[][] = [...mine];
    const stale: Array<{ labels: { worker: string }; value: number }> = [];
    for (const [id, entry] of remembered) {
      if (entry.dead || cluster.workers?.[id] === undefined) entry.dead = true;
      const fresh = answers.has(id);
      const current = fresh || (!entry.dead && now - entry.answeredAt <= staleAfterMs);
      for (const registry of current ? entry.metrics : monotonicOnly(entry.metrics)) all.push(registry);
      stale.push({ labels: { worker: String(id) }, value: current ? 0 : 1 });
    }
    const aggregated = AggregatorRegistry.aggregate(all);
    const snapshots = await snapshotRegistries([aggregated]);
    if (stale.length > 0) snapshots.push({ name: 'cluster_worker_stale', help: STALE_HELP, type: 'gauge', values: stale });
    return snapshots;
  });
  const retire = (id: number): boolean => {
    const entry = remembered.get(id);
    if (!entry || !(entry.dead || cluster.workers?.[id] === undefined)) return false;
    return remembered.delete(id);
  };
  return {
    ...source,
    retireWorker: retire,
    retireDeadWorkers() {
      let n = 0;
      for (const id of [...remembered.keys()]) if (retire(id)) n++;
      return n;
    },
  };
}
