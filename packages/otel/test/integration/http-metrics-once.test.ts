// The HTTP server metrics are recorded once per process: by the OpenTelemetry bridge when the otel
// plugin is in the setup, else by the prometheus plugin (from the same diagnostics channels).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import { health } from '@sightline/health';
import { prometheus } from '@sightline/prometheus';
import { setup } from '@sightline/setup';
import { OpenTelemetry, otel } from '../../src/index.js';

const FINISH = 'http.server.response.finish';

/** Resolves once `count` responses finished (after the instrumentations' own listeners ran). */
function finished(count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = (): void => {
      if (++seen < count) return;
      unsubscribe(FINISH, on);
      resolve();
    };
    subscribe(FINISH, on);
  });
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

describe('HTTP server metrics, recorded once', () => {
  let app: Server;
  let base = '';

  beforeAll(async () => {
    app = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  });
  afterEach(() => OpenTelemetry.resetForTesting());

  it('by the prometheus plugin when no otel plugin is in the setup: in /metrics under the OpenTelemetry exporter names', async () => {
    const obs = setup({ service: 'orders', plugins: [prometheus({ collectDefaultMetrics: false }), health({ port: 0 })] });
    await obs.start();
    try {
      const done = finished(2);
      await fetchText(`${base}/orders/42`);
      await fetchText(`${base}/orders/43`);
      await done;
      const body = await obs.metrics!.render();
      expect(body).toContain('# TYPE http_server_request_duration_seconds histogram\n');
      expect(body).toContain(
        'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/orders/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1"} 2\n',
      );
    } finally {
      await obs.close();
    }
  });

  it('by the OpenTelemetry bridge when the otel plugin is in the setup: the prometheus plugin records none', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 1000 });
    const prom = prometheus({ collectDefaultMetrics: false });
    const obs = setup({
      service: 'orders',
      plugins: [prom, otel({ resourceDetectors: false, spanProcessors: [], metricReaders: [reader] })],
    });
    await obs.start();
    try {
      const done = finished(2);
      await fetchText(`${base}/orders/42`);
      await fetchText(`${base}/orders/43`);
      await done;
      expect(await prom.collector.render()).not.toContain('http_server_');
      await reader.forceFlush();
      const duration = exporter
        .getMetrics()
        .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
        .find((m) => m.descriptor.name === 'http.server.request.duration')!;
      expect(duration.dataPoints.reduce((n, d) => n + (d.value as Histogram).count, 0)).toBe(2);
    } finally {
      await obs.close();
    }
  });
});
