// One /metrics for an app with prometheus() and statsServer(): whatever the scraper's Accept header,
// the combined body is in one format, its content type says which, and the real checkers accept it:
// promtool for the text format, the reference OpenMetrics parser (Debian python3-prometheus-client)
// for OpenMetrics.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsHandler, prometheus } from '@sightline/prometheus';
import { statsServer } from '@sightline/stats-server';
import { findBinary } from '../../../../test/support/prometheus-server.js';
import { setup, type Observability } from '../../src/index.js';

const SECRET = 'e2e-secret';
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PYTHON = '/usr/bin/python3';

// Parses stdin strictly and prints every sample as [name, labels, value]; exits non-zero on any error.
const OPENMETRICS_CHECK = `
import json, math, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        # NaN (an empty summary's quantile) is valid OpenMetrics but not JSON: passed on as text.
        out.append([family.type, s.name, s.labels, s.value if math.isfinite(s.value) else str(s.value)])
print(json.dumps(out))
`;

let obs: Observability;
let app: Server;
let url: string;

function post(base: string, body: string): Promise<number> {
  const ts = String(Date.now());
  const signature = `v1=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/v1/batch`,
      {
        method: 'POST',
        headers: { 'content-length': Buffer.byteLength(body), 'x-sightline-timestamp': ts, 'x-sightline-signature': signature },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function scrape(accept: string | undefined): Promise<{ contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: accept === undefined ? {} : { accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ contentType: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function promtool(body: string) {
  const result = spawnSync(findBinary('promtool'), ['check', 'metrics'], { input: body, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function openMetricsSamples(body: string): [string, string, Record<string, string>, number | string][] {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install -y python3-prometheus-client (CI's .ci/run installs it)`);
  const result = spawnSync(PYTHON, ['-c', OPENMETRICS_CHECK], { input: body, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the OpenMetrics parser rejected the body:\n${result.stderr}`);
  return JSON.parse(result.stdout) as [string, string, Record<string, string>, number | string][];
}

beforeAll(async () => {
  const prom = prometheus();
  const stats = statsServer({ port: 0, secrets: SECRET });
  obs = setup({ service: 'combined-e2e', plugins: [prom, stats] });
  await obs.start();
  // Data in both parts: a request through the hooks, a batch through the stats server.
  obs.hooks.onRequest('checkout', 0.2);
  obs.hooks.onError('checkout', 'Timeout');
  const status = await post(
    stats.server.address().url,
    JSON.stringify({
      v: 1,
      metrics: [
        { type: 'counter', name: 'orders.created', value: 42, tags: { region: 'e"u\\west' } },
        { type: 'gauge', name: 'queue.depth', value: 7 },
        { type: 'timer', name: 'db.query', values: [1.5, 250] },
        { type: 'histogram', name: 'payload.bytes', values: [100, 2048] },
        { type: 'set', name: 'users.unique', values: ['u1', 'u2'] },
      ],
    }),
  );
  expect(status).toBe(200);
  const handler = metricsHandler(obs.metrics!);
  app = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/metrics`;
});

afterAll(async () => {
  await new Promise((resolve) => app?.close(resolve));
  await obs?.close();
});

describe('setup({ plugins: [prometheus(), statsServer()] }) serving one /metrics', () => {
  it.each([
    ['prefers text', 'text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0;q=0.5'],
    ['is absent', undefined],
  ])('Accept %s: a text/plain 0.0.4 body that promtool accepts, with both parts in it', async (_, accept) => {
    const { contentType, body } = await scrape(accept);
    expect(contentType).toBe(TEXT);
    expect(promtool(body)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(body).not.toContain('# EOF');
    expect(body).toContain('# TYPE sightline_stats_server_batches_total counter\n');
    expect(body).toContain('sightline_stats_server_batches_total{status="200"} 1\n');
    expect(body).toContain('orders_created_total{region="e\\"u\\\\west"} 42\n');
    expect(body).toContain('sightline_request_duration_seconds_count{op="checkout"} 1\n');
  });

  it('Accept prefers OpenMetrics (as Prometheus sends it): an OpenMetrics body the strict parser accepts', async () => {
    const { contentType, body } = await scrape(
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    );
    expect(contentType).toBe(OPENMETRICS);
    const samples = openMetricsSamples(body);
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.find(([, n, l]) => n === name && Object.entries(labels).every(([k, v]) => l[k] === v));
    expect(find('sightline_stats_server_batches_total', { status: '200' })).toEqual([
      'counter',
      'sightline_stats_server_batches_total',
      { status: '200' },
      1,
    ]);
    expect(find('stats_orders_created_total')).toEqual(['counter', 'stats_orders_created_total', { region: 'e"u\\west' }, 42]);
    expect(find('stats_db_query_seconds_count')).toEqual(['histogram', 'stats_db_query_seconds_count', {}, 2]);
    expect(find('stats_users_unique')).toEqual(['gauge', 'stats_users_unique', {}, 2]);
    expect(find('sightline_request_duration_seconds_count', { op: 'checkout' })?.[3]).toBe(1);
    expect(find('sightline_request_errors_total', { op: 'checkout', error_type: 'Timeout' })?.[3]).toBe(1);
  });

  it('promtool rejects what the bug served: an OpenMetrics part inside a text body', () => {
    // The checker can fail: the mixed body this test guards against does not pass it.
    const mixed = '# HELP a_total A\n# TYPE a_total counter\na_total 1\n# TYPE b counter\nb_total 1\n';
    expect(promtool(mixed).status).not.toBe(0);
  });
});
