// The worker side of cluster aggregation: answer the primary's requests with this worker's metrics.
import { getLogger, SightlineConfigError } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import { Registry } from 'prom-client';
import type { MetricsCollector } from '../metrics-collector.js';
import {
  isMessage,
  METRICS_REQUEST,
  METRICS_RESPONSE,
  type MetricsRequestMessage,
  type MetricsResponseMessage,
} from './cluster-protocol.js';

const log = getLogger('sightline.prometheus.cluster');

/**
 * Lets the cluster primary's `clusterMetricsSource()` collect this worker's metrics over IPC. Call it
 * once in each worker with its collector (or registries). Returns a function that stops answering.
 */
export function exposeToClusterPrimary(source: MetricsCollector | Registry | readonly Registry[]): () => void {
  const registries: readonly Registry[] =
    source instanceof Registry ? [source] : Array.isArray(source) ? source : [(source as MetricsCollector).registry];
  for (const r of registries) {
    if (!(r instanceof Registry))
      throw new SightlineConfigError('exposeToClusterPrimary expects a MetricsCollector, a Registry or an array of them');
  }
  const send = process.send?.bind(process);
  if (!send) {
    throw new SightlineConfigError('exposeToClusterPrimary must run in a node:cluster worker (or a child with an IPC channel)');
  }
  const enabled = !(source instanceof Registry) && !Array.isArray(source) ? (source as MetricsCollector).enabled : true;

  const onMessage = (message: unknown): void => {
    if (!isMessage<MetricsRequestMessage>(message, METRICS_REQUEST)) return;
    const reply = (body: Omit<MetricsResponseMessage, 'type' | 'id'>): void => {
      try {
        send({ type: METRICS_RESPONSE, id: message.id, ...body } satisfies MetricsResponseMessage);
      } catch (error) {
        log.debug('answering the primary failed', { error: errorText(error) });
      }
    };
    if (!enabled) return reply({ metrics: [] });
    Promise.all(registries.map((r) => r.getMetricsAsJSON())).then(
      (metrics) => reply({ metrics }),
      (error: unknown) => reply({ error: errorText(error) }),
    );
  };
  process.on('message', onMessage);
  return () => {
    process.off('message', onMessage);
  };
}
