// The exposition against the real thing: promtool's linter, and a Prometheus server scraping /metrics
// (it asks for OpenMetrics first) and answering queries on what the stats server received.
import { spawnSync } from 'node:child_process';
import { findBinary, startPrometheus, until, type PrometheusServer } from '../../../../test/support/prometheus-server.js';
import { createStatsServer, type StatsServer, type StatsServerAddress } from '../../src/index.js';
import { captureLogs, postBatch, sendUdp, waitFor, started } from '../helpers.js';

const SECRET = 'e2e-secret';
let server: StatsServer;
let address: StatsServerAddress;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs('error');
  server = createStatsServer({ port: 0, secrets: SECRET, statsd: { udpPort: 0 } });
  address = await started(server);
  const res = await postBatch(
    address.url,
    {
      v: 1,
      metrics: [
        { type: 'counter', name: 'orders.created', value: 42, tags: { region: 'eu', 'http.method': 'POST' } },
        { type: 'gauge', name: 'queue.depth', value: 7 },
        { type: 'timer', name: 'db.query', values: [1.5, 3.25, 250] },
        { type: 'histogram', name: 'payload.bytes', values: [100, 2048] },
        { type: 'set', name: 'users.unique', values: ['u1', 'u2'] },
      ],
    },
    { secret: SECRET },
  );
  expect(res.status).toBe(200);
  await sendUdp(address.statsdUdpPort!, 'statsd.hits:5|c|@0.5|#le:x,quantile:y\nstatsd.size:12|d\nstatsd.lat:3|ms:4|ms\nbad line');
  await waitFor(() => server.snapshot().server.statsdLines === 3);
});

afterAll(async () => {
  await server.close();
  logs.restore();
});

describe('promtool check metrics', () => {
  it('finds nothing to complain about in the Prometheus text exposition', async () => {
    const promtool = findBinary('promtool');
    const text = await server.metrics.render();
    const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

describe('a Prometheus server scraping /metrics', () => {
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${address.port}`], jobName: 'stats-server' });
  }, 60_000);

  afterAll(() => prometheus?.stop());

  it('scrapes it healthily and answers queries with what the stats server received', async () => {
    await prometheus.waitForTargets(60_000);
    const up = await until('the first scrape', 30_000, async () => {
      const samples = await prometheus.query('up{job="stats-server"}');
      return samples.length > 0 ? samples : undefined;
    });
    expect(up.map((r) => r.value[1])).toEqual(['1']);

    const value = async (q: string) => (await prometheus.query(q)).map((r) => r.value[1]);
    expect(await prometheus.query('stats_orders_created_total')).toEqual([
      expect.objectContaining({
        metric: {
          __name__: 'stats_orders_created_total',
          http_method: 'POST',
          region: 'eu',
          instance: `127.0.0.1:${address.port}`,
          job: 'stats-server',
        },
        value: [expect.any(Number), '42'],
      }),
    ]);
    expect(await value('stats_queue_depth')).toEqual(['7']);
    expect(await value('stats_db_query_seconds_count')).toEqual(['3']);
    expect(await value('stats_db_query_seconds_bucket{le="0.005"}')).toEqual(['2']);
    expect(await value('stats_payload_bytes_sum')).toEqual(['2148']);
    expect(await value('stats_users_unique')).toEqual(['2']);
    expect(await value('stats_statsd_hits_total{tag_le="x",tag_quantile="y"}')).toEqual(['10']);
    expect(await value('stats_statsd_lat_seconds_count')).toEqual(['2']);
    expect(await value('sightline_stats_server_statsd_lines_total{outcome="rejected"}')).toEqual(['1']);
    expect(await value('sightline_stats_server_batches_total{status="200"}')).toEqual(['1']);
  }, 90_000);
});
