// The primary side: one /metrics for the whole cluster, aggregated with prom-client's aggregators.
import cluster, { type Worker } from 'node:cluster';
import { validateOptions, getLogger, SightlineConfigError } from '@sightline/core';
import { CLUSTER_METRICS_SHAPE } from '../options-shapes.js';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { snapshotRegistries, snapshotSource, type NegotiatingMetricsSource } from '../exposition/registry-source.js';
import type { MetricSnapshot } from '../exposition/render.js';
import { isMessage, METRICS_REQUEST, METRICS_RESPONSE, type MetricsResponseMessage } from './cluster-protocol.js';

const log = getLogger('sightline.prometheus.cluster');

export interface ClusterMetricsOptions {
  /** How long to wait for workers before rendering what arrived. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** The primary's own registries, aggregated with the workers'. */
  readonly registries?: readonly Registry[];
}

interface Pending {
  readonly waiting: Set<number>;
  readonly responses: unknown[][];
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
      log.warn(`worker ${worker.id} failed to collect metrics; left out of this scrape`, { worker: worker.id, error: message.error });
    } else if (message.metrics) {
      for (const m of message.metrics) request.responses.push(m);
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

function gather(timeoutMs: number, own: readonly unknown[][]): Promise<unknown[][]> {
  return new Promise((resolve) => {
    const id = nextId++;
    const responses: unknown[][] = [...own];
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
      log.warn(`workers ${[...waiting].join(', ')} did not answer within ${timeoutMs} ms; rendering the others`, {
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

/**
 * In a node:cluster primary: a MetricsSource that asks every worker (each running
 * `exposeToClusterPrimary`) for its metrics over IPC, aggregates them with prom-client's
 * `AggregatorRegistry.aggregate` (counters and histograms summed, each metric's `aggregator`
 * respected) and renders one exposition, so a multi-process service is scraped once.
 */
export function clusterMetricsSource(options: ClusterMetricsOptions = {}): NegotiatingMetricsSource {
  validateOptions(CLUSTER_METRICS_SHAPE, options, { source: 'clusterMetricsSource()' });
  if (!cluster.isPrimary) {
    throw new SightlineConfigError('clusterMetricsSource() runs in the node:cluster primary; call exposeToClusterPrimary() in workers');
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new SightlineConfigError(`clusterMetricsSource timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
  }
  const own = options.registries ?? [];
  listen();
  return snapshotSource(async (): Promise<MetricSnapshot[]> => {
    const mine = await Promise.all(own.map((r) => r.getMetricsAsJSON() as Promise<unknown[]>));
    const all = await gather(timeoutMs, mine);
    const aggregated = AggregatorRegistry.aggregate(all);
    return snapshotRegistries([aggregated]);
  });
}
