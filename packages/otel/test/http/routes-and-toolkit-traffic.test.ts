// Server spans named by route (a framework's template, else the normalised path, bounded), the
// HTTP server metrics (active requests, body sizes), and the toolkit's own traffic left out: its
// servers, its routes mounted in the app's server, and its outgoing requests.
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { metrics, SpanKind, trace } from '@opentelemetry/api';
import type { HistogramMetricData, MetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import express from 'express';
import Fastify from 'fastify';
import { HTTP_INSTRUMENTS, markToolkitRequest, runAsToolkit } from '@sightline/core/internal';
import { createHealthHandler, createHealthServer, type HealthServer } from '@sightline/health';
import { MetricsCollector, metricsHandler, Pushgateway } from '@sightline/prometheus';
import { StatsClient } from '@sightline/stats';
import { emptyResource } from '@opentelemetry/resources';
import { instrumentHttp, type HttpInstrumentation } from '../../src/http/http-instrumentation.js';
import { attachProducer, ServerHistograms } from '../../src/http/server-histograms.js';
import { METRIC_ROUTE_OVERFLOW } from '../../src/http/http-telemetry.js';
import { OpenTelemetry, scope } from '../../src/index.js';
import { captureLogs, configureInMemory, type InMemoryTelemetry } from '../helpers.js';

let t: InMemoryTelemetry;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  t = configureInMemory();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await OpenTelemetry.resetForTesting();
});

async function serve(listener: RequestListener): Promise<string> {
  const server: Server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const byKind = (kind: SpanKind): ReadableSpan[] => t.spans.getFinishedSpans().filter((s) => s.kind === kind);

/** Polls until `check` holds: a server span ends when its response finishes, which the client may see first. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i === 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function get(url: string, init?: RequestInit): Promise<string> {
  const res = await fetch(url, init);
  return res.text();
}

/** The data points of a histogram as [route, count, sum]. */
function histogramPoints(metric: MetricData | undefined): Array<[unknown, number, number | undefined]> {
  return ((metric as HistogramMetricData | undefined)?.dataPoints ?? []).map((p) => [
    p.attributes['http.route'],
    p.value.count,
    p.value.sum,
  ]);
}

function ok(_req: IncomingMessage, res: ServerResponse): void {
  res.end('ok');
}

describe('server span names and http.route', () => {
  it('plain node:http: `GET /orders/:id` from the normalised path; no http.route on the span, the label on the histogram', async () => {
    const base = await serve(ok);
    await get(`${base}/orders/123?x=1`);
    await until('the server span', () => byKind(SpanKind.SERVER).length === 1);
    const [server] = byKind(SpanKind.SERVER);
    expect(server!.name).toBe('GET /orders/:id');
    expect(server!.attributes['http.route']).toBeUndefined();
    expect(server!.attributes['url.path']).toBe('/orders/123');
    const duration = (await t.metrics()).get(HTTP_INSTRUMENTS.serverDuration);
    expect(histogramPoints(duration).map(([route, count]) => [route, count])).toEqual([['/orders/:id', 1]]);
  });

  it("Express: the matched template under its router's mount path", async () => {
    const app = express();
    const api = express.Router();
    api.get('/items/:itemId', (_req, res) => {
      res.send('item');
    });
    app.use('/api', api);
    app.get('/users/:name', (_req, res) => {
      res.send('user');
    });
    const base = await serve(app);
    await get(`${base}/users/ada`);
    await get(`${base}/api/items/abc`);
    await until('two server spans', () => byKind(SpanKind.SERVER).length === 2);
    expect(byKind(SpanKind.SERVER).map((s) => [s.name, s.attributes['http.route']])).toEqual([
      ['GET /users/:name', '/users/:name'],
      ['GET /api/items/:itemId', '/api/items/:itemId'],
    ]);
    const duration = (await t.metrics()).get(HTTP_INSTRUMENTS.serverDuration);
    expect(histogramPoints(duration).map(([route]) => route)).toEqual(['/users/:name', '/api/items/:itemId']);
  });

  it("fastify: the route's template from its diagnostics channel, with no plugin", async () => {
    const app = Fastify();
    app.get('/carts/:cartId', () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    await get(`http://127.0.0.1:${port}/carts/blue`);
    await until('the server span', () => byKind(SpanKind.SERVER).length === 1);
    const [server] = byKind(SpanKind.SERVER);
    expect(server!.name).toBe('GET /carts/:cartId');
    expect(server!.attributes['http.route']).toBe('/carts/:cartId');
  });
});

describe('route cap', () => {
  let http: HttpInstrumentation | undefined;
  afterEach(() => http?.disable());

  it('past the cap a new route is `_OTHER` in the span name and the label, counted, and logged once', async () => {
    await OpenTelemetry.resetForTesting();
    t = configureInMemory({ http: false });
    const serverHistograms = new ServerHistograms(emptyResource());
    attachProducer(t.reader, serverHistograms);
    http = instrumentHttp({
      tracerProvider: trace.getTracerProvider(),
      meterProvider: metrics.getMeterProvider(),
      serverHistograms,
      maxRoutes: 3,
    });
    const logs = captureLogs();
    try {
      const base = await serve(ok);
      for (const path of ['/a', '/b', '/c', '/d', '/e', '/a', '/f']) await get(`${base}${path}`);
      await until('seven server spans', () => byKind(SpanKind.SERVER).length === 7);
      expect(byKind(SpanKind.SERVER).map((s) => s.name)).toEqual([
        'GET /a',
        'GET /b',
        'GET /c',
        'GET _OTHER',
        'GET _OTHER',
        'GET /a',
        'GET _OTHER',
      ]);
      const exported = await t.metrics();
      expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverDuration)).map(([route, count]) => [route, count])).toEqual([
        ['/a', 2],
        ['/b', 1],
        ['/c', 1],
        ['_OTHER', 3],
      ]);
      const overflow = exported.get(METRIC_ROUTE_OVERFLOW);
      expect(overflow?.dataPoints.map((p) => p.value)).toEqual([3]);
      const warnings = logs.records.filter((r) => r.level === 'warn' && r.message.includes('_OTHER'));
      expect(warnings).toHaveLength(1);
    } finally {
      logs.restore();
    }
  });
});

describe('HTTP server metrics', () => {
  it('http.server.active_requests counts a request in flight and returns to 0, an aborted one included', async () => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const base = await serve((req, res) => {
      if (req.url === '/hang')
        arrived(); // never answered: the client goes away
      else res.end('ok');
    });
    await get(`${base}/done`);
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    socket.write('GET /hang HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await inFlight;
    const active = async (): Promise<unknown[]> =>
      ((await t.metrics()).get(HTTP_INSTRUMENTS.serverActiveRequests)?.dataPoints ?? []).map((p) => [p.attributes, p.value]);
    expect(await active()).toEqual([[{ 'http.request.method': 'GET', 'url.scheme': 'http' }, 1]]);
    socket.destroy();
    await until('the aborted span', () => byKind(SpanKind.SERVER).length === 2);
    expect(byKind(SpanKind.SERVER)[1]!.attributes['error.type']).toBe('aborted');
    expect(await active()).toEqual([[{ 'http.request.method': 'GET', 'url.scheme': 'http' }, 0]]);
  });

  it('request and response body sizes: Content-Length; a request declaring no body and a chunked response of unknown length left out', async () => {
    const base = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/upload') res.writeHead(201, { 'content-length': '2' }).end('ok');
        else if (req.url === '/implicit')
          res.end('abcdef'); // Node sets Content-Length: 6 itself
        else if (req.url === '/head') res.writeHead(200, { 'content-length': '100' }).end();
        else {
          res.write('chunk ');
          res.end('ed');
        }
      });
    });
    await get(`${base}/upload`, { method: 'POST', body: 'hello world' });
    await get(`${base}/implicit`);
    await fetch(`${base}/head`, { method: 'HEAD' });
    await get(`${base}/chunked`);
    await until('four server spans', () => byKind(SpanKind.SERVER).length === 4);
    const exported = await t.metrics();
    expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverRequestBodySize))).toEqual([['/upload', 1, 11]]);
    expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverResponseBodySize))).toEqual([
      ['/upload', 1, 2],
      ['/implicit', 1, 6],
      ['/head', 1, 0],
    ]);
    const size = exported.get(HTTP_INSTRUMENTS.serverResponseBodySize) as HistogramMetricData;
    expect(size.descriptor.unit).toBe('By');
    expect(size.dataPoints[0]!.value.buckets.boundaries).toEqual([0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]);
  });
});

describe("the toolkit's own traffic", () => {
  it('a health server (marked as the toolkit’s): no span, no metric for its probes and /metrics', async () => {
    const health: HealthServer = await createHealthServer({ port: 0, host: '127.0.0.1', signals: [], shutdownDelayMs: 0, ready: true });
    closers.push(() => health.close());
    // A kubelet's or Prometheus's requests (this test's fetch is their client, traced as any client is).
    for (const path of ['/health/live', '/health/ready', '/metrics']) expect(await get(`${health.url}${path}`)).not.toBe('');
    // A request of the app's, after them: once its span is out, theirs would be too.
    const base = await serve(ok);
    await get(`${base}/after`);
    await until('the app span', () => byKind(SpanKind.SERVER).some((s) => s.name === 'GET /after'));
    expect(byKind(SpanKind.SERVER).map((s) => s.name)).toEqual(['GET /after']);
    const exported = await t.metrics();
    expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverDuration)).map(([route]) => route)).toEqual(['/after']);
    expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverResponseBodySize)).map(([route]) => route)).toEqual(['/after']);
    expect(exported.get(HTTP_INSTRUMENTS.serverActiveRequests)?.dataPoints.map((p) => p.value)).toEqual([0]);
  });

  it("toolkit routes in the app's own server (health handler, metricsHandler, a marked route) are dropped; the app's are kept", async () => {
    const healthHandler = createHealthHandler({ ready: true });
    const scrape = metricsHandler(new MetricsCollector());
    const base = await serve((req, res) => {
      if (req.url === '/metrics') void scrape(req, res);
      else if (req.url === '/own') {
        markToolkitRequest(req);
        res.end('own');
      } else healthHandler(req, res, () => ok(req, res));
    });
    for (const path of ['/health/live', '/metrics', '/own', '/orders/7']) await get(`${base}${path}`);
    await until('the app span', () => byKind(SpanKind.SERVER).some((s) => s.name === 'GET /orders/:id'));
    expect(byKind(SpanKind.SERVER).map((s) => s.name)).toEqual(['GET /orders/:id']);
    const exported = await t.metrics();
    expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverDuration)).map(([route, count]) => [route, count])).toEqual([
      ['/orders/:id', 1],
    ]);
    expect(histogramPoints(exported.get(HTTP_INSTRUMENTS.serverResponseBodySize)).map(([route]) => route)).toEqual(['/orders/:id']);
    // Dropped requests leave the active count where it was.
    expect(exported.get(HTTP_INSTRUMENTS.serverActiveRequests)?.dataPoints.map((p) => p.value)).toEqual([0]);
  });

  describe('outgoing requests', () => {
    let seen: Array<{ url: string | undefined; traceparent: string | undefined }>;
    let base: string;
    beforeEach(async () => {
      seen = [];
      base = await serve((req, res) => {
        seen.push({ url: req.url, traceparent: req.headers.traceparent as string | undefined });
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      });
    });

    /** Waits for the server spans of `n` requests, so every client span there is has ended too. */
    const serverSpans = (n: number): Promise<void> => until(`${n} server spans`, () => byKind(SpanKind.SERVER).length === n);

    it('fetch and node:http inside runAsToolkit: no client span, no client metric, no traceparent', async () => {
      await scope('caller', async () => {
        await runAsToolkit(() => get(`${base}/fetched`));
        await runAsToolkit(
          () =>
            new Promise<void>((resolve, reject) => {
              request(`${base}/requested`, (res) => res.resume().on('end', resolve))
                .on('error', reject)
                .end();
            }),
        );
        // The app's own request, for contrast.
        await get(`${base}/app`);
      });
      await serverSpans(3);
      expect(byKind(SpanKind.CLIENT).map((s) => s.attributes['url.full'])).toEqual([`${base}/app`]);
      expect(seen.map((s) => [s.url, s.traceparent !== undefined])).toEqual([
        ['/fetched', false],
        ['/requested', false],
        ['/app', true],
      ]);
      const clientDuration = (await t.metrics()).get(HTTP_INSTRUMENTS.clientDuration);
      expect(clientDuration?.dataPoints).toHaveLength(1);
      expect((clientDuration as HistogramMetricData).dataPoints[0]!.value.count).toBe(1);
    });

    it("a stats client's HTTP batch and a Pushgateway push: no client span", async () => {
      const { port } = new URL(base);
      const stats = new StatsClient({
        protocol: 'http',
        secret: 'test-secret',
        destHost: '127.0.0.1',
        destPort: Number(port),
        flushIntervalMs: 0,
      });
      closers.push(() => stats.close());
      const gateway = new Pushgateway({ url: base, job: 'batch', source: new MetricsCollector() });
      await scope('caller', async () => {
        stats.incr('orders');
        await stats.flush();
        await gateway.push();
      });
      await serverSpans(2);
      expect(seen.map((s) => [s.url, s.traceparent])).toEqual([
        ['/v1/batch', undefined],
        ['/metrics/job/batch', undefined],
      ]);
      expect(byKind(SpanKind.CLIENT)).toEqual([]);
      expect((await t.metrics()).get(HTTP_INSTRUMENTS.clientDuration)).toBeUndefined();
    });
  });
});
