// A small service through setup(): prometheus, otel (spans kept in memory), the status page and
// the health server, with traffic: requests through the hooks, a parent span with a child span.
import type { HealthCheck } from '@sightline/core';
import { health, type HealthPlugin } from '@sightline/health';
import { OpenTelemetry, otel, scope } from '@sightline/otel';
import { httpMetrics, prometheus } from '@sightline/prometheus';
import { setup, type Observability } from '@sightline/setup';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { status, type StatusPlugin, type StatusPluginOptions } from '../../src/index.js';

export interface TestApp {
  readonly url: string;
  readonly obs: Observability;
  readonly page: StatusPlugin;
  readonly healthPlugin: HealthPlugin;
  /** Make the `database` readiness check fail (true) or pass (false). */
  failDatabase(failing: boolean): void;
  /** One request through the hooks and one traced order (a parent span with a child). */
  traffic(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestApp(
  options: {
    readonly statusOptions?: StatusPluginOptions;
    readonly metricsToken?: string;
    readonly trafficEveryMs?: number;
    /** Also record each round as HTTP responses (`http_requests_total`): 200s, a 404 in 4, a 500 in 10. */
    readonly httpResponses?: boolean;
  } = {},
): Promise<TestApp> {
  let failing = false;
  const database: HealthCheck = {
    name: 'database',
    check: () => Promise.resolve(failing ? { healthy: false, message: 'connection refused' } : { healthy: true }),
  };
  const page = status(options.statusOptions);
  const healthPlugin = health({
    port: 0,
    host: '127.0.0.1',
    ready: true,
    checks: [database],
    env: {},
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
  });
  const metrics = prometheus();
  const http = options.httpResponses ? httpMetrics(metrics.collector) : undefined;
  const obs = setup({
    service: 'status-test',
    plugins: [metrics, otel({ spanExporter: new InMemorySpanExporter() }), page, healthPlugin],
  });
  await obs.start();
  let n = 0;
  const traffic = async () => {
    n++;
    obs.hooks.onRequest('order.create', 0.004 + (n % 7) * 0.003);
    obs.hooks.onRequest('order.get', 0.001);
    if (n % 5 === 0) obs.hooks.onError('order.create', 'InvalidOrderError');
    http?.observe('GET', '/orders/:id', n % 10 === 0 ? 500 : n % 4 === 0 ? 404 : 200, 0.002);
    await OpenTelemetry.observability().scope('handle-order', { attributes: { 'order.id': `o-${n}` } }, async () => {
      await scope('charge-card', async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
      });
    });
  };
  const timer = options.trafficEveryMs ? setInterval(() => void traffic(), options.trafficEveryMs) : undefined;
  return {
    url: healthPlugin.server!.url,
    obs,
    page,
    healthPlugin,
    failDatabase: (value) => {
      failing = value;
    },
    traffic,
    async stop() {
      if (timer) clearInterval(timer);
      await obs.close();
      await OpenTelemetry.resetForTesting();
    },
  };
}
