// Seed 003, the pyWATS observability guide: its examples ported line for line to TypeScript and run
// against @sightline/prometheus and @sightline/health over real HTTP on loopback, asserting what the
// guide says they return. What pyWATS's own API client does (AsyncWATS, AsyncClientService, its HTTP
// response cache and PYWATS_* settings) has no counterpart here: see "Differences from pyWATS" in the
// prometheus and health READMEs.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheMetrics, converterMetrics, httpMetrics, MetricsCollector, prometheus, queueMetrics } from '@sightline/prometheus';
import { createHealthServer, health, type HealthServer } from '@sightline/health';
import { setup } from '@sightline/setup';

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function healthServer(options: Parameters<typeof createHealthServer>[0]): Promise<HealthServer> {
  const s = await createHealthServer({ port: 0, ...options });
  closers.push(() => s.close());
  return s;
}

/** The value of the sample `name` whose labels include `labels` (in any order), from a text exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) got.set(l[1]!, l[2]!);
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

describe('seed 003, pyWATS: metrics collection', () => {
  it('{"enable_metrics": true, "metrics_port": 9090}: a /metrics listener of its own beside the health port', async () => {
    // The guide's 9090 and 8080 are fixed ports; the test asks the OS for free ones (port 0).
    const prom = prometheus({ enabled: true, metricsPort: 0, collectDefaultMetrics: false });
    const obs = setup({ service: 'pywats-client', plugins: [prom, health({ port: 0 })], signals: false });
    closers.push(() => obs.close());
    await obs.start();
    prom.collector.counter('my_operations_total', 'Total operations performed').inc();
    const scraped = await fetch(prom.metricsServer!.url);
    expect(scraped.status).toBe(200);
    expect(sample(await scraped.text(), 'my_operations_total')).toBe(1);
    // The metrics port serves metrics only: the probes stay on the health port.
    expect((await fetch(`http://127.0.0.1:${prom.metricsServer!.port}/health`)).status).toBe(404);
  });

  it('HTTP request, cache, queue and converter metrics under the names and labels the guide lists', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector);
    const cache = cacheMetrics(collector).cache('http_response');
    const queue = queueMetrics(collector).queue('converter_queue');
    const converter = converterMetrics(collector).converter('CSVConverter');
    // A real request through the HTTP metric set: GET /api/Product answered 200.
    const server: Server = createServer(http.handler((_req, res) => res.end('[]')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as { port: number };
    expect((await fetch(`http://127.0.0.1:${port}/api/Product`)).status).toBe(200);

    cache.hit();
    cache.hit();
    cache.miss();
    cache.evict();
    cache.setSize(234);
    queue.setDepth(5);
    queue.setActiveWorkers(3);
    queue.processed(0.2);
    converter.success(0.5);
    converter.failure('validation', 0.1);

    const text = await collector.render();
    const endpoint = { method: 'GET', endpoint: '/api/Product' };
    expect(sample(text, 'http_requests_total', { ...endpoint, status: '200' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', endpoint)).toBe(1);
    expect(sample(text, 'http_requests_active', endpoint)).toBe(0);
    const cacheName = { cache_name: 'http_response' };
    expect(sample(text, 'cache_size_bytes', cacheName)).toBe(234);
    expect(sample(text, 'cache_hits_total', cacheName)).toBe(2);
    expect(sample(text, 'cache_misses_total', cacheName)).toBe(1);
    expect(sample(text, 'cache_evictions_total', cacheName)).toBe(1);
    expect(sample(text, 'cache_hit_rate', cacheName)).toBeCloseTo(2 / 3, 10);
    const queueName = { queue_name: 'converter_queue' };
    expect(sample(text, 'queue_depth', queueName)).toBe(5);
    expect(sample(text, 'queue_items_processed_total', queueName)).toBe(1);
    expect(sample(text, 'queue_processing_duration_seconds_count', queueName)).toBe(1);
    expect(sample(text, 'queue_active_workers', queueName)).toBe(3);
    expect(sample(text, 'conversions_total', { converter: 'CSVConverter', status: 'success' })).toBe(1);
    expect(sample(text, 'conversion_duration_seconds_count', { converter: 'CSVConverter' })).toBe(2);
    expect(sample(text, 'conversion_errors_total', { converter: 'CSVConverter', error_type: 'validation' })).toBe(1);
  });

  it('custom metrics: collector.counter / gauge / histogram, as the guide writes them', async () => {
    const collector = new MetricsCollector({ instanceId: 'my_app', enabled: true });

    // Counter
    const myCounter = collector.counter('my_operations_total', 'Total operations performed', { labels: ['operation_type'] });
    myCounter.labels({ operation_type: 'upload' }).inc();

    // Gauge
    const myGauge = collector.gauge('my_active_connections', 'Number of active connections');
    myGauge.set(42);

    // Histogram
    const myHistogram = collector.histogram('my_processing_time_seconds', 'Processing time in seconds', {
      buckets: [0.1, 0.5, 1.0, 5.0, 10.0],
    });
    myHistogram.observe(2.5);

    const text = await collector.render();
    expect(text).toContain('# HELP my_operations_total Total operations performed\n# TYPE my_operations_total counter\n');
    expect(sample(text, 'my_operations_total', { operation_type: 'upload', instance_id: 'my_app' })).toBe(1);
    expect(sample(text, 'my_active_connections', { instance_id: 'my_app' })).toBe(42);
    expect(sample(text, 'my_processing_time_seconds_bucket', { le: '1' })).toBe(0);
    expect(sample(text, 'my_processing_time_seconds_bucket', { le: '5' })).toBe(1);
    expect(sample(text, 'my_processing_time_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sample(text, 'my_processing_time_seconds_sum')).toBe(2.5);
  });
});

describe('seed 003, pyWATS: health endpoints over HTTP', () => {
  it('GET /health, /health/ready and /health/live answer the bodies the guide shows', async () => {
    const s = await healthServer({ ready: true });

    const healthy = await fetch(`${s.url}/health`);
    expect(healthy.status).toBe(200);
    const healthBody = (await healthy.json()) as Record<string, unknown>;
    expect(healthBody).toEqual({ status: 'healthy', timestamp: expect.stringMatching(ISO_SECONDS) });

    const ready = await fetch(`${s.url}/health/ready`);
    expect(ready.status).toBe(200);
    // The guide's fields; `checks` is ours, added (the results of the readiness checks).
    expect(await ready.json()).toEqual({
      status: 'ready',
      api_status: 'online',
      checks: {},
      timestamp: expect.stringMatching(ISO_SECONDS),
    });

    const live = await fetch(`${s.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({
      status: 'alive',
      uptime_seconds: expect.any(Number),
      timestamp: expect.stringMatching(ISO_SECONDS),
    });
  });

  it("GET /metrics with a MetricsCollector: the Prometheus text format with the guide's samples", async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector);
    // The guide's figures: 1523 requests, 1325 hits and 198 misses.
    for (let i = 0; i < 1523; i++) http.observe('GET', '/api/Product', 200, 0.01);
    cacheMetrics(collector).cache('http_response', () => ({ hits: 1325, misses: 198, evictions: 12, sizeBytes: 234 }));
    const s = await healthServer({ metrics: collector, ready: true });

    const r = await fetch(`${s.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await r.text();
    expect(text).toContain('# HELP http_requests_total Total HTTP requests\n# TYPE http_requests_total counter\n');
    // prom-client writes integral values without Python's `.0` (`1523`, not `1523.0`): the same number to a scraper.
    expect(text).toContain('http_requests_total{method="GET",endpoint="/api/Product",status="200"} 1523\n');
    // The guide's help text, and what the rate is made of (a difference listed in the prometheus README).
    expect(text).toContain('# HELP cache_hit_rate Cache hit rate (0.0-1.0): hits / (hits + misses)\n# TYPE cache_hit_rate gauge\n');
    // 1325 / 1523, which the guide shows rounded to 0.87.
    expect(sample(text, 'cache_hit_rate', { cache_name: 'http_response' })).toBeCloseTo(0.87, 2);
    // `curl .../metrics | grep cache`: the guide's five cache lines.
    expect(sample(text, 'cache_size_bytes', { cache_name: 'http_response' })).toBe(234);
    expect(sample(text, 'cache_evictions_total', { cache_name: 'http_response' })).toBe(12);
    expect(sample(text, 'cache_hits_total', { cache_name: 'http_response' })).toBe(1325);
    expect(sample(text, 'cache_misses_total', { cache_name: 'http_response' })).toBe(198);
  });

  it('GET /metrics without a MetricsCollector: the JSON fallback with the cache and queue sections', async () => {
    const s = await healthServer({
      cache: () => ({ enabled: true, size: 234, maxSize: 1000, hits: 1325, misses: 198, evictions: 12 }),
      queue: () => ({ depth: 5, activeWorkers: 3, processed: 4521 }),
    });
    const r = await fetch(`${s.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // The guide's body, and our `checks` (the readiness checks with their details) beside it.
    expect(await r.json()).toEqual({
      cache: { enabled: true, size: 234, max_size: 1000, hit_rate: 0.87, total_requests: 1523, hits: 1325, misses: 198, evictions: 12 },
      queue: { size: 5, active_workers: 3, total_processed: 4521 },
      checks: {},
    });
  });

  it("a prometheus CacheRecorder's and QueueRecorder's stats feed the JSON fallback as they are", async () => {
    const collector = new MetricsCollector();
    const cache = cacheMetrics(collector).cache('http_response');
    const queue = queueMetrics(collector).queue('converter_queue');
    cache.hit();
    cache.miss();
    cache.setSize(10);
    queue.setDepth(2);
    queue.processed();
    const s = await healthServer({ cache: () => cache.stats(), queue: () => queue.stats() });
    expect(await (await fetch(`${s.url}/metrics`)).json()).toMatchObject({
      cache: { enabled: true, size: 10, max_size: null, hit_rate: 0.5, total_requests: 2, hits: 1, misses: 1, evictions: 0 },
      queue: { size: 2, active_workers: 0, total_processed: 1 },
    });
  });

  it('the Kubernetes probes: /health/live and /health/ready on the port from the environment', async () => {
    // The guide's PYWATS_HEALTH_PORT=8080 is SIGHTLINE_HEALTH_PORT here; 0 asks for a free port.
    const s = await createHealthServer({ env: { SIGHTLINE_HEALTH_PORT: '0' } });
    closers.push(() => s.close());
    expect(s.port).toBeGreaterThan(0);
    expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
    // Not ready until the service says so: a readiness probe keeps traffic away meanwhile.
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(503);
    s.markReady();
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
  });
});

describe('seed 003, pyWATS: alert rules', () => {
  // Scraping with a real Prometheus (the guide's prometheus.yml) and its PromQL queries run in the
  // e2e suite (packages/prometheus/test/e2e), which needs the Debian `prometheus` package.
  it('ships the QueueBacklog and NoActiveWorkers rules of the guide', () => {
    const rules = readFileSync(join(__dirname, '../../packages/prometheus/alerts/sightline-alerts.yml'), 'utf8');
    expect(rules).toMatch(/- alert: QueueBacklog\n\s+expr: queue_depth > 100\n\s+for: 5m\n\s+labels:\n\s+severity: warning/);
    expect(rules).toMatch(
      /- alert: NoActiveWorkers\n\s+expr: queue_active_workers == 0 and queue_depth > 0\n\s+for: 2m\n\s+labels:\n\s+severity: critical/,
    );
  });
});
