import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { OPENMETRICS_CONTENT_TYPE } from '@sightline/exposition';
import { clusterMetricsSource, MetricsCollector, type ClusterMetricsSource } from '../../src/index.js';
import { fakeDateOnly, parseSamples } from '../helpers.js';

// The worker loads the package from src/ (test/support/register-src.cjs): no build needed.
const fixture = join(__dirname, 'fixtures/cluster-worker.cjs');

/** A value within 1e-10 of `n`, inside toEqual. */
const closeTo = (n: number): unknown => expect.closeTo(n, 10);

/** Sources made by a test, closed after it. */
const sources: ClusterMetricsSource[] = [];
function source(options?: Parameters<typeof clusterMetricsSource>[0]): ClusterMetricsSource {
  const made = clusterMetricsSource(options);
  sources.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

function forkWorker(index: number): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = cluster.fork({ WORKER_INDEX: String(index) });
    const timer = setTimeout(() => reject(new Error(`worker ${index} did not start within 60 s`)), 60_000);
    worker.on('message', (message: { type?: string }) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(worker);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${index} exited with ${code}`));
    });
  });
}

function stop(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill();
  });
}

describe('cluster aggregation across two real worker processes', () => {
  let workers: Worker[] = [];
  const primary = new MetricsCollector();
  primary.counter('primary_restarts_total', 'Worker restarts seen by the primary').inc(2);

  beforeAll(async () => {
    cluster.setupPrimary({ exec: fixture, silent: true });
    workers = await Promise.all([forkWorker(1), forkWorker(2)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.map(stop));
  });

  it('serves one exposition that sums counters and histograms and respects each aggregator', async () => {
    const values = Object.fromEntries(parseSamples(await source({ registries: [primary.registry], timeoutMs: 5000 }).render()));
    expect(values).toEqual({
      primary_restarts_total: 2,
      'http_requests_total{method="GET",endpoint="/orders/:id",status="200"}': 30,
      'http_requests_total{method="POST",endpoint="/orders",status="201"}': 2,
      'http_request_duration_seconds_bucket{le="0.1",method="GET",endpoint="/orders/:id"}': 30,
      'http_request_duration_seconds_bucket{le="1",method="GET",endpoint="/orders/:id"}': 30,
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",endpoint="/orders/:id"}': 30,
      'http_request_duration_seconds_sum{method="GET",endpoint="/orders/:id"}': closeTo(1.5),
      'http_request_duration_seconds_count{method="GET",endpoint="/orders/:id"}': 30,
      'http_request_duration_seconds_bucket{le="0.1",method="POST",endpoint="/orders"}': 0,
      'http_request_duration_seconds_bucket{le="1",method="POST",endpoint="/orders"}': 2,
      'http_request_duration_seconds_bucket{le="+Inf",method="POST",endpoint="/orders"}': 2,
      'http_request_duration_seconds_sum{method="POST",endpoint="/orders"}': 1.5,
      'http_request_duration_seconds_count{method="POST",endpoint="/orders"}': 2,
      'cache_size_bytes{cache_name="http_response"}': 0,
      'cache_hits_total{cache_name="http_response"}': 4,
      'cache_misses_total{cache_name="http_response"}': 4,
      'cache_evictions_total{cache_name="http_response"}': 0,
      // Averaged, not summed: (0.75 + 0.25) / 2.
      'cache_hit_rate{cache_name="http_response"}': 0.5,
      'queue_depth{queue_name="converter_queue"}': 15,
      'queue_items_processed_total{queue_name="converter_queue"}': 0,
      'queue_active_workers{queue_name="converter_queue"}': 0,
      worker_index: 2,
      [`cluster_worker_stale{worker="${workers[0]!.id}"}`]: 0,
      [`cluster_worker_stale{worker="${workers[1]!.id}"}`]: 0,
    });
  });

  it('negotiates OpenMetrics for the aggregate too', async () => {
    const out = await source().negotiate('application/openmetrics-text;version=1.0.0');
    expect(out.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(out.body).toContain('# TYPE queue_items_processed counter\nqueue_items_processed_total{queue_name="converter_queue"} 0\n');
    expect(out.body.endsWith('# EOF\n')).toBe(true);
  });

  it('stops listening to the workers once closed, and then serves the primary alone', async () => {
    const listening = cluster.listenerCount('message');
    const closable = clusterMetricsSource({ registries: [primary.registry] });
    expect(cluster.listenerCount('message')).toBe(listening + 1);
    const closing = closable.close();
    expect(closable.close()).toBe(closing);
    await closing;
    expect(cluster.listenerCount('message')).toBe(listening);
    expect(parseSamples(await closable.render())).toEqual(new Map([['primary_restarts_total', 2]]));
  });

  it('renders the workers that remain when one has died', async () => {
    await stop(workers[1]!);
    const values = parseSamples(await source().render());
    expect(values.get('queue_depth{queue_name="converter_queue"}')).toBe(5);
    expect(values.get('worker_index')).toBe(1);
  });
});

describe('a cluster whose worker hangs, then dies', () => {
  let workers: Worker[] = [];
  const GET = 'http_requests_total{method="GET",endpoint="/orders/:id",status="200"}';
  const DEPTH = 'queue_depth{queue_name="converter_queue"}';

  beforeAll(async () => {
    cluster.setupPrimary({ exec: fixture, silent: true });
    workers = await Promise.all([forkWorker(1), forkWorker(2)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.map(stop));
  });

  it('keeps the counters of a worker that misses scrapes or dies until it is retired, and marks it stale', async () => {
    // Staleness is measured on Date.now(): faked here, so no test waits for staleAfterMs to pass.
    fakeDateOnly();
    const source = clusterMetricsSource({ timeoutMs: 2000, staleAfterMs: 60_000 });
    try {
      const scrape = async () => parseSamples(await source.render());
      const [, second] = workers as [Worker, Worker];
      const stale = `cluster_worker_stale{worker="${second.id}"}`;

      const before = await scrape();
      expect([before.get(GET), before.get(DEPTH), before.get(stale)]).toEqual([30, 15, 0]);

      second.send({ type: 'hang' });
      const hung = await scrape(); // within staleAfterMs: the last answer stands for all of it
      expect([hung.get(GET), hung.get(DEPTH), hung.get(stale)]).toEqual([30, 15, 0]);

      jest.setSystemTime(Date.now() + 60_001);
      const staleNow = await scrape(); // past the bound: its gauges go, its counters stay
      expect([staleNow.get(GET), staleNow.get(DEPTH), staleNow.get(stale)]).toEqual([30, 5, 1]);

      await new Promise<void>((resolve) => {
        second.once('exit', () => resolve());
        second.process.kill('SIGKILL');
      });
      const dead = await scrape();
      expect([dead.get(GET), dead.get(DEPTH), dead.get(stale)]).toEqual([30, 5, 1]);
      expect(source.retireWorker(workers[0]!.id)).toBe(false); // alive: nothing to retire

      expect(source.retireDeadWorkers()).toBe(1);
      const retired = await scrape();
      expect([retired.get(GET), retired.get(DEPTH), retired.has(stale)]).toEqual([10, 5, false]);
    } finally {
      await source.close();
      jest.useRealTimers();
    }
  }, 60_000);
});
