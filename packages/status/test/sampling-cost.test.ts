// What a sampling round costs follows what the page shows, not the size of /metrics: sources that
// give their families as data are asked for the charted and pinned families only, and a source that
// can only render is still charted (and read whole).
import { once } from 'node:events';
import { connect } from 'node:net';
import type { MetricSnapshot, MetricsSource } from '@sightline/core';
import { MetricsCollector, prometheus } from '@sightline/prometheus';
import { setup } from '@sightline/setup';
import { statsServer } from '@sightline/stats-server';
import { isChartedFamily } from '../src/derive.js';
import { familyOf, parseExposition } from '../src/exposition-parser.js';
import { samplesFromSnapshots } from '../src/snapshot-samples.js';
import { buildStatusPage } from '../src/status-page.js';
import { status } from '../src/index.js';

const histogram = (name: string, op: string, count: number): MetricSnapshot => ({
  name,
  help: 'request durations',
  type: 'histogram',
  values: [
    { metricName: `${name}_bucket`, sharedLabels: { op }, labels: { le: 0.01 }, value: count },
    { metricName: `${name}_bucket`, sharedLabels: { op }, labels: { le: '+Inf' }, value: count },
    { metricName: `${name}_sum`, labels: { op }, value: count * 0.005 },
    { metricName: `${name}_count`, labels: { op }, value: count },
  ],
});

/** A source that gives its families as data and records which it was asked for; it renders nothing. */
function dataSource(families: () => MetricSnapshot[]) {
  const record = { renders: 0, collected: [] as string[][] };
  const source: MetricsSource = {
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    render() {
      record.renders++;
      return '';
    },
    collect(wanted) {
      const out = families().filter((f) => !wanted || wanted(f.name));
      record.collected.push(out.map((f) => f.name));
      return out;
    },
  };
  return { source, record };
}

const BIG = 10_000;

function families(count: number): MetricSnapshot[] {
  return [
    histogram('sightline_request_duration_seconds', 'order.create', count),
    { name: 'app_messages_received_total', help: 'in', type: 'counter', values: [{ value: count * 2 }] },
    { name: 'cache_entries', help: 'entries', type: 'gauge', values: [{ labels: { cache_name: 'users' }, value: 7 }] },
    {
      name: 'tenant_bytes',
      help: 'a large family nobody charts',
      type: 'gauge',
      values: Array.from({ length: BIG }, (_, i) => ({ labels: { tenant: `t${i}` }, value: i })),
    },
  ];
}

describe('a source that gives its families as data', () => {
  test('a round reads the charted families and the pinned ones, never the whole exposition', async () => {
    let count = 10;
    const { source, record } = dataSource(() => families(count));
    const { page, engine } = buildStatusPage({ metrics: source }, 'test');
    await page.sample();
    count = 30;
    await page.sample();
    expect(record.renders).toBe(0);
    expect(record.collected.at(-1)).toEqual(['sightline_request_duration_seconds', 'app_messages_received_total']);
    // Four samples of the histogram, one of the counter: not the 10,000 of tenant_bytes.
    expect(page.stats().samplesRead).toBe(5);
    // What was read is charted: 20 requests and 40 messages more over the interval.
    const keys = engine.store.history().series.map((s) => s.meta.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'requests|sightline_request_duration_seconds|order.create',
        'latency|sightline_request_duration_seconds|order.create|p99',
        'messages|app_messages_received_total',
      ]),
    );

    const pinned = await engine.pin('cache_entries', { cache_name: 'users' });
    expect(pinned).toEqual({
      ok: true,
      meta: {
        key: 'pin|cache_entries{cache_name="users"}',
        chart: 'pin:cache_entries{cache_name="users"}',
        label: 'cache_entries{cache_name="users"}',
        unit: '',
      },
    });
    await page.sample();
    expect(record.collected.at(-1)).toEqual(['sightline_request_duration_seconds', 'app_messages_received_total', 'cache_entries']);
    expect(page.stats().samplesRead).toBe(6);
    const history = engine.store.history();
    const pinSeries = history.series.find((s) => s.meta.key === 'pin|cache_entries{cache_name="users"}');
    expect(pinSeries?.values.at(-1)).toBe(7);
    expect(record.renders).toBe(0);
  });

  test('a misspelt pin is answered with the nearest sample name, read without the families data', async () => {
    const { source } = dataSource(() => families(1));
    const { engine } = buildStatusPage({ metrics: source }, 'test');
    expect(await engine.pin('sightline_request_duration_seconds_cout', {})).toEqual({
      ok: false,
      status: 404,
      error: 'unknown_metric',
      message:
        'no metric named "sightline_request_duration_seconds_cout" in /metrics; did you mean "sightline_request_duration_seconds_count"?',
    });
  });

  test('the pin picker lists at most 5,000 series and says it was cut', async () => {
    const { source } = dataSource(() => families(1));
    const { engine } = buildStatusPage({ metrics: source }, 'test');
    const list = await engine.listMetrics();
    expect(list.truncated).toBe(true);
    expect(list.metrics.reduce((n, m) => n + m.series.length, 0)).toBe(5000);
    expect(list.metrics.map((m) => [m.name, m.type]).slice(0, 3)).toEqual([
      ['sightline_request_duration_seconds_bucket', 'histogram'],
      ['sightline_request_duration_seconds_sum', 'histogram'],
      ['sightline_request_duration_seconds_count', 'histogram'],
    ]);
  });
});

test('a source that can only render is parsed whole and charted the same', async () => {
  let renders = 0;
  let count = 10;
  const source: MetricsSource = {
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    render: () => {
      renders++;
      return [
        '# TYPE sightline_request_duration_seconds histogram',
        `sightline_request_duration_seconds_bucket{op="a",le="0.01"} ${count}`,
        `sightline_request_duration_seconds_bucket{op="a",le="+Inf"} ${count}`,
        `sightline_request_duration_seconds_sum{op="a"} ${count * 0.005}`,
        `sightline_request_duration_seconds_count{op="a"} ${count}`,
        '# TYPE other gauge',
        'other 1',
        'other{x="y"} 2',
        '',
      ].join('\n');
    },
  };
  const { page, engine } = buildStatusPage({ metrics: source }, 'test');
  await page.sample();
  count = 20;
  await page.sample();
  expect(renders).toBe(2);
  expect(page.stats().samplesRead).toBe(6);
  expect(engine.store.history().series.map((s) => s.meta.key)).toEqual(
    expect.arrayContaining(['requests|sightline_request_duration_seconds|a']),
  );
  const pinned = await engine.pin('other', { x: 'y' });
  expect(pinned.ok).toBe(true);
});

test('the families read as data give the samples the exposition gives for them (prom-client through MetricsCollector)', async () => {
  const collector = new MetricsCollector({ defaultLabels: { service: 'svc' } });
  const h = collector.histogram('http_request_duration_seconds', 'Request durations', {
    labels: ['method', 'route'],
    buckets: [0.005, 0.1, 1],
  });
  h.observe({ method: 'GET', route: '/a' }, 0.002);
  h.observe({ method: 'POST', route: '/b' }, 0.3);
  const c = collector.counter('app_messages_sent_total', 'Messages sent', { labels: ['topic'] });
  c.inc({ topic: 'orders' }, 3);
  collector.gauge('not_charted', 'A gauge').set(5);
  const fromData = samplesFromSnapshots(await collector.collect(isChartedFamily));
  const parsed = parseExposition(await collector.render());
  const fromText = parsed.samples.filter((s) => isChartedFamily(familyOf(s.name, parsed.types)));
  const byKey = (samples: readonly { key: string; value: number }[]) => Object.fromEntries(samples.map((s) => [s.key, s.value]));
  expect(fromText.length).toBeGreaterThan(10);
  expect(byKey(fromData.samples)).toEqual(byKey(fromText));
});

test("a stats-server holding thousands of long-tagged series: the page's round reads its own counters, not the series", async () => {
  const page = status({ intervalMs: 60_000 });
  const stats = statsServer({ port: 0, secrets: 'sampling-cost-secret', statsd: { tcpPort: 0 } });
  const obs = setup({ service: 'sampling-cost', plugins: [prometheus(), stats, page] });
  await obs.start();
  try {
    const SERIES = 2000;
    const tag = 'x'.repeat(1000);
    const lines = Array.from({ length: SERIES }, (_, i) => `hostile_${i}:1|c|#blob:${tag}${i}\n`).join('');
    const socket = connect(stats.server.address().statsdTcpPort!, '127.0.0.1');
    socket.end(lines);
    await once(socket, 'close');
    // The connection's close is seen once the server has read every line it sent.
    while (Object.keys(stats.server.snapshot().counters).length < SERIES) await new Promise((resolve) => setImmediate(resolve));
    await page.page.sample();
    await page.page.sample();
    const exposition = await obs.metrics!.render();
    expect(exposition.length).toBeGreaterThan(SERIES * 1000);
    // The stats chart's families (lines by outcome, series held) and the toolkit's own, whatever the store holds.
    expect(page.page.stats().samplesRead).toBeLessThan(20);
    expect(page.page.stats().series).toBeGreaterThan(0);
    expect(page.page.stats().series).toBeLessThan(20);
  } finally {
    await obs.close();
  }
});
