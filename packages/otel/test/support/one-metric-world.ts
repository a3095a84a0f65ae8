// The stack the "one metric world" tests run: setup() with prometheus(), otel() and health(), an app
// server the otel HTTP instrumentation observes, and an OTel counter the app records through the
// global API. Shared by the integration test and the e2e test that runs the real checkers.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { health } from '@sightline/health';
import { prometheus } from '@sightline/prometheus';
import { setup, type Observability } from '@sightline/setup';
import { otel, setHttpRoute, type OpenTelemetryOptions } from '../../src/index.js';

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** One request on a fresh connection. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export interface Stack {
  readonly obs: Observability;
  /** setup()'s /metrics, served by health(). */
  readonly metricsUrl: string;
  /** The app's own server: `/orders/<id>` answers 200 (route `/orders/:id`), anything else 404. */
  readonly appUrl: string;
  /** A reader injected through `metricReaders`: the exposition's reader sits next to it. */
  readonly injected: { reader: PeriodicExportingMetricReader; exporter: InMemoryMetricExporter };
  close(): Promise<void>;
}

export async function startStack(otelOptions: OpenTelemetryOptions = {}): Promise<Stack> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 1000 });
  const h = health({ port: 0, env: {} });
  const obs = setup({
    service: 'orders',
    version: '1.2.3',
    signals: false,
    plugins: [
      prometheus(),
      otel({ resourceDetectors: false, spanProcessors: [], logRecordProcessors: [], metricReaders: [reader], ...otelOptions }),
      h,
    ],
  });
  await obs.start();
  const app: Server = createServer((req, res) => {
    const match = /^\/orders\/[^/]+$/.test(req.url ?? '');
    if (match) setHttpRoute(req, '/orders/:id');
    res.statusCode = match ? 200 : 404;
    res.end('ok');
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  return {
    obs,
    metricsUrl: `${h.server!.url}/metrics`,
    appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    injected: { reader, exporter },
    async close() {
      await new Promise((resolve) => app.close(resolve));
      await obs.close();
    },
  };
}

/** What the app does: traffic on its server, the hooks a transport reports, a counter on its own OTel meter. */
export async function driveTraffic(stack: Stack): Promise<void> {
  for (const id of ['1', '2', '3']) expect((await get(`${stack.appUrl}/orders/${id}`)).status).toBe(200);
  stack.obs.hooks.onRequest('checkout', 0.2);
  stack.obs.hooks.onError('checkout', 'Timeout');
  stack.obs.hooks.onWsConnect('127.0.0.1');
  metrics.getMeter('shop-app', '0.1.0').createCounter('app.orders.placed', { description: 'Orders placed' }).add(3, { region: 'eu' });
}

/** Every family the body declares, by its `# TYPE` line, in order (duplicates kept). */
export function declaredFamilies(body: string): string[] {
  return [...body.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!);
}
