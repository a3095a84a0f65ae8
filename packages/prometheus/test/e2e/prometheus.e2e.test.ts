// End to end against a real Prometheus server and promtool (Debian package `prometheus`): Prometheus
// scrapes an app using every metric set, and its query API returns what the app recorded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toDispatcher } from '@sightline/core';
import { SensorDelegate } from '@sightline/sensors';
import {
  cacheMetrics,
  converterMetrics,
  httpMetrics,
  metricsHandler,
  MetricsCollector,
  prometheusHooks,
  prometheus as prometheusPlugin,
  PrometheusMonitor,
  queueMetrics,
} from '../../src/index.js';
import { get } from '../helpers.js';
import { findBinary, startPrometheus, until, type PrometheusServer } from '../../../../test/support/prometheus-server.js';

const pkg = join(__dirname, '../..');
const RULES = join(pkg, 'alerts/sightline-alerts.yml');
const DASHBOARDS = join(pkg, 'dashboards');

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

describe('against a real Prometheus server', () => {
  const promtool = findBinary('promtool');
  const work = mkdtempSync(join(tmpdir(), 'sightline-prom-e2e-'));
  let prometheus: PrometheusServer | undefined;
  let app: Server;
  let exposition = '';
  const scrapeEncodings: string[] = [];

  // The app: every metric set, the hooks and the monitor in one collector, served at /metrics.
  const collector = new MetricsCollector({ instanceId: 'e2e' });
  const http = httpMetrics(collector);
  const cache = cacheMetrics(collector).cache('http_response');
  const queue = queueMetrics(collector).queue('converter_queue');
  const csv = converterMetrics(collector).converter('CSVConverter');
  // Every family at start (eagerSeries), as a dashboard that draws every panel needs: the app drives
  // only some kinds of event, and the dashboards' expressions are checked against all of them.
  const hooks = toDispatcher(prometheusHooks(collector, { eagerSeries: true }));
  const monitor = new PrometheusMonitor({ collector, eagerSeries: true });
  const sensors = new SensorDelegate(monitor);
  const serveMetrics = metricsHandler(collector);

  async function query(expr: string): Promise<QueryResult> {
    try {
      return { status: 'success', data: { resultType: 'vector', result: await prometheus!.query(expr) } };
    } catch (error) {
      return { status: 'error', error: (error as Error).message };
    }
  }

  async function scalar(expr: string): Promise<number> {
    const result = await query(expr);
    if (result.status !== 'success') throw new Error(`${expr}: ${result.error}`);
    const first = result.data!.result[0];
    if (!first) throw new Error(`${expr}: no result`);
    return Number(first.value[1]);
  }

  beforeAll(async () => {
    app = createServer(
      http.handler((req, res) => {
        if (req.url === '/metrics') {
          // Headers given to writeHead() are not readable back with getHeader(): look at them on the way.
          const writeHead = res.writeHead.bind(res) as (status: number, headers: Record<string, unknown>) => typeof res;
          res.writeHead = ((status: number, headers: Record<string, unknown>) => {
            scrapeEncodings.push(String(headers['content-encoding']));
            return writeHead(status, headers);
          }) as typeof res.writeHead;
          return void serveMetrics(req, res);
        }
        res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
        res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
    const appPort = (app.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${appPort}`;

    for (const id of [1, 2, 3]) await get(`${base}/orders/${id}`);
    await get(`${base}/fail/9`);
    cache.hit(1325);
    cache.miss(198);
    cache.evict(12);
    cache.setSize(234);
    queue.setDepth(5);
    queue.setActiveWorkers(3);
    for (let i = 0; i < 4; i++) queue.processed(0.2);
    for (let i = 0; i < 4; i++) csv.success(0.1);
    csv.failure('validation', 0.3);
    hooks.onWsConnect('10.0.0.1');
    hooks.onRequest('read', 0.02);
    hooks.onWsMessageSent('read', 512);
    hooks.onError('read', 'TimeoutError');
    for (let offset = 0; offset < 6; offset++) sensors.onMessageIn('orders/0', offset, null);
    sensors.onCommitCompleted(null, sensors.onCommitInitiated(null));
    monitor.reportEndOffset('orders/0', 10);

    prometheus = await startPrometheus({ targets: [`127.0.0.1:${appPort}`], jobName: 'sightline-app', ruleFiles: [RULES] });
    await prometheus.waitForTargets();
    exposition = await collector.render();
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  it('scrapes the app (over OpenMetrics) and returns the recorded values from instant queries', async () => {
    await until('the first samples', 15_000, async () => ((await query('up{job="sightline-app"}')).data?.result.length ? true : undefined));
    const expected: Array<[string, number]> = [
      ['up{job="sightline-app"}', 1],
      ['sum(http_requests_total{endpoint="/orders/:id",method="GET",status="200"})', 3],
      ['sum(http_requests_total{endpoint="/fail/:id",status="503"})', 1],
      ['sum(http_request_duration_seconds_count{endpoint="/orders/:id"})', 3],
      ['sum(http_requests_active)', 1], // the scrape itself is in flight on the same server
      ['cache_hits_total{cache_name="http_response",instance_id="e2e"}', 1325],
      ['cache_misses_total{cache_name="http_response"}', 198],
      ['cache_evictions_total{cache_name="http_response"}', 12],
      ['cache_size_bytes{cache_name="http_response"}', 234],
      ['round(cache_hit_rate{cache_name="http_response"}, 0.0001)', 0.87],
      ['queue_depth{queue_name="converter_queue"}', 5],
      ['queue_active_workers{queue_name="converter_queue"}', 3],
      ['queue_items_processed_total{queue_name="converter_queue"}', 4],
      ['queue_processing_duration_seconds_count{queue_name="converter_queue"}', 4],
      ['conversions_total{converter="CSVConverter",status="success"}', 4],
      ['conversions_total{converter="CSVConverter",status="failure"}', 1],
      ['conversion_errors_total{converter="CSVConverter",error_type="validation"}', 1],
      ['conversion_duration_seconds_count{converter="CSVConverter"}', 5],
      ['sightline_request_duration_seconds_count{op="read"}', 1],
      ['sightline_request_errors_total{op="read",error_type="TimeoutError"}', 1],
      ['sightline_ws_connections_total', 1],
      ['sightline_ws_bytes_sent_total{op="read"}', 512],
      ['sightline_messages_received_total', 6],
      ['sightline_commits_total', 1],
      ['sightline_consumer_lag{topic="orders",partition="0"}', 4],
    ];
    const got: Array<[string, number]> = [];
    for (const [expr] of expected) got.push([expr, await scalar(expr)]);
    expect(got).toEqual(expected);
    // Prometheus asks for gzip: every scrape was served compressed, and it read them all.
    expect(scrapeEncodings.length).toBeGreaterThan(0);
    expect(new Set(scrapeEncodings)).toEqual(new Set(['gzip']));
  });

  it('promtool check metrics accepts our exposition', () => {
    const run = spawnSync(promtool, ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 20_000 });
    expect({ status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  it('promtool accepts the shipped alert rules, and they fire as intended', () => {
    const check = spawnSync(promtool, ['check', 'rules', RULES], { encoding: 'utf8', timeout: 20_000 });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 4 rules found');
    const tests = join(work, 'alerts.test.yml');
    writeFileSync(tests, readFileSync(join(__dirname, 'fixtures/sightline-alerts.test.yml'), 'utf8').replace('RULES_FILE', RULES));
    const unit = spawnSync(promtool, ['test', 'rules', tests], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: unit.status, output: `${unit.stdout}${unit.stderr}`.trim() }).toEqual({
      status: 0,
      output: `Unit Testing:  ${tests}\n  SUCCESS`,
    });
  });

  it('Prometheus loaded the shipped rules', async () => {
    const rules = JSON.parse((await get(`${prometheus!.url}/api/v1/rules`)).body) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules.map((r) => r.name)).sort();
    expect(loaded).toEqual(['HighErrorRate', 'HighLatencyP95', 'NoActiveWorkers', 'QueueBacklog']);
  });

  it('every dashboard expression, its variables substituted, runs in Prometheus and names only metrics the app produces', async () => {
    const produced = new Set(
      exposition
        .split('\n')
        .filter((l) => l.length > 0 && !l.startsWith('#'))
        .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]),
    );
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(foo_bucket{a="b"}[5m]))) / on (x) bar > 1e3')).toEqual([
      'foo_bucket',
      'bar',
    ]);
    const files = readdirSync(DASHBOARDS)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(['sightline-cache.json', 'sightline-http.json', 'sightline-queue.json', 'sightline-sensors.json']);
    const problems: string[] = [];
    let checked = 0;
    let instant = 0;
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard;
      const variables = dashboard.templating.list.map((v) => `${v.name}:${v.type}`);
      if (variables.join(' ') !== 'datasource:datasource job:query instance:query')
        problems.push(`${file}: template variables ${variables.join(' ')}`);
      for (const uid of datasourceUids(dashboard))
        if (uid !== '${datasource}') problems.push(`${file}: a panel's datasource is ${uid}, not \${datasource}`);
      for (const template of dashboardExpressions(dashboard)) {
        checked++;
        if (/\[\d+m\]/.test(template) && !template.includes('[1h]'))
          problems.push(`${file}: ${template}: a fixed range instead of $__rate_interval`);
        for (const selector of template.match(/[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}/g) ?? []) {
          if (!selector.includes('job=~"$job"') || !selector.includes('instance=~"$instance"'))
            problems.push(`${file}: ${selector}: not filtered by $job and $instance`);
        }
        // What Grafana sends for job = this app, instance = All, on a 1 s scrape interval.
        const expr = template.replaceAll('$__rate_interval', '1m').replaceAll('$job', 'sightline-app').replaceAll('$instance', '.+');
        const result = await query(expr);
        if (result.status !== 'success') problems.push(`${file}: ${expr}: ${result.error}`);
        // A gauge read straight (no rate) must find the app's series through the substituted filters.
        else if (!/rate\(|increase\(/.test(expr) && (instant++, result.data!.result.length === 0))
          problems.push(`${file}: ${expr}: no series`);
        for (const name of metricNames(expr)) if (!produced.has(name)) problems.push(`${file}: ${expr}: unknown metric ${name}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(30);
    expect(instant).toBeGreaterThanOrEqual(8);
  });
});

interface Dashboard {
  readonly templating: { readonly list: ReadonlyArray<{ readonly name: string; readonly type: string }> };
}

/** The datasource uid of every panel and target. */
function datasourceUids(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(datasourceUids);
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'templating') continue;
    if (key === 'datasource' && value !== null && typeof value === 'object') out.push(String((value as { uid?: unknown }).uid));
    else out.push(...datasourceUids(value));
  }
  return out;
}

/** Every `expr` of every panel target, rows included. */
function dashboardExpressions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(dashboardExpressions);
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'expr' && typeof value === 'string') out.push(value);
    else out.push(...dashboardExpressions(value));
  }
  return out;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/** The metric names a PromQL expression selects: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const after = stripped.slice(match.index + word.length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(word)) continue;
    const before = stripped.slice(0, match.index);
    if (/\d$/.test(before) || /[\d.]e$/i.test(before + word.slice(0, 1))) continue;
    names.push(word);
  }
  return names;
}

describe("the plugin's metricsPort, scraped by a real Prometheus", () => {
  it("serves /metrics on a listener of its own that Prometheus scrapes (pyWATS's metrics_port)", async () => {
    const plugin = prometheusPlugin({ metricsPort: 0, collectDefaultMetrics: false });
    cacheMetrics(plugin.collector).cache('http_response', () => ({ hits: 87, misses: 13, evictions: 0, sizeBytes: 234 }));
    await plugin.start!({} as never);
    const server = await startPrometheus({ targets: [`127.0.0.1:${plugin.metricsServer!.port}`], jobName: 'pywats-client' });
    try {
      await server.waitForTargets();
      const samples = await until('cache_hit_rate in Prometheus', 30_000, async () => {
        const found = await server.query('cache_hit_rate{cache_name="http_response"}');
        return found.length > 0 ? found : undefined;
      });
      expect(samples[0]!.metric).toMatchObject({ job: 'pywats-client', cache_name: 'http_response' });
      expect(Number(samples[0]!.value[1])).toBe(0.87);
    } finally {
      await server.stop();
      await plugin.close!();
    }
  });
});
