// The exposition against the real thing: promtool's linter, and a Prometheus server scraping /metrics
// (it asks for OpenMetrics first) and answering queries on what the stats server received.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStatsServer, type StatsServer, type StatsServerAddress } from '../../src/index.js';
import { captureLogs, postBatch, sendUdp, waitFor } from '../helpers.js';

const SECRET = 'e2e-secret';
let server: StatsServer;
let address: StatsServerAddress;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs('error');
  server = createStatsServer({ port: 0, secrets: SECRET, statsd: { udpPort: 0 } });
  address = await server.listen();
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

function requireBinary(name: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
  if (!found) throw new Error(`${name} not found: install the Debian package "prometheus" (CI's .ci/run does)`);
}

describe('promtool check metrics', () => {
  it('finds nothing to complain about in the Prometheus text exposition', async () => {
    requireBinary('promtool');
    const text = await server.metrics.render();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

describe('a Prometheus server scraping /metrics', () => {
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let promUrl: string;

  beforeAll(async () => {
    requireBinary('prometheus');
    dir = mkdtempSync(join(tmpdir(), 'stats-server-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: stats-server\n    static_configs:\n      - targets: ['127.0.0.1:${address.port}']\n`,
    );
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus!.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const json = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return json.data.result;
  }

  it('scrapes it healthily and answers queries with what the stats server received', async () => {
    let up: Awaited<ReturnType<typeof query>> = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      up = await query('up{job="stats-server"}').catch(() => []);
      if (up.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(up.map((r) => r.value[1])).toEqual(['1']);

    const value = async (q: string) => (await query(q)).map((r) => r.value[1]);
    expect(await query('orders_created_total')).toEqual([
      expect.objectContaining({
        metric: { __name__: 'orders_created_total', http_method: 'POST', region: 'eu', instance: `127.0.0.1:${address.port}`, job: 'stats-server' },
        value: [expect.any(Number), '42'],
      }),
    ]);
    expect(await value('queue_depth')).toEqual(['7']);
    expect(await value('db_query_seconds_count')).toEqual(['3']);
    expect(await value('db_query_seconds_bucket{le="0.005"}')).toEqual(['2']);
    expect(await value('payload_bytes_sum')).toEqual(['2148']);
    expect(await value('users_unique')).toEqual(['2']);
    expect(await value('statsd_hits_total{tag_le="x",tag_quantile="y"}')).toEqual(['10']);
    expect(await value('statsd_lat_seconds_count')).toEqual(['2']);
    expect(await value('sightline_stats_server_statsd_lines_total{outcome="rejected"}')).toEqual(['1']);
    expect(await value('sightline_stats_server_batches_total{status="200"}')).toEqual(['1']);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
