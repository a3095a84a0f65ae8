// The core MetricsSource contract over renderExposition(): Prometheus text, or OpenMetrics when asked.
import type { MetricsExposition, MetricsSource } from '@sightline/core';
import {
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderExposition,
  type ExpositionInput,
} from './render-exposition.js';

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

export function createMetricsSource(read: () => ExpositionInput): MetricsSource {
  return {
    contentType: PROMETHEUS_CONTENT_TYPE,
    render: () => renderExposition(read(), 'prometheus'),
    async negotiate(accept: string | undefined): Promise<MetricsExposition> {
      const open = wantsOpenMetrics(accept);
      return {
        contentType: open ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
        body: await renderExposition(read(), open ? 'openmetrics' : 'prometheus'),
      };
    },
  };
}
