// Every input class a peer can send gives an exposition that promtool and the
// strict OpenMetrics parser accept; what could not be exposed validly is dropped and counted.
import { createStatsServer, type StatsServer } from '../../src/index.js';
import { captureLogs } from '../helpers.js';
import { openMetricsParse, promtoolCheck } from './checkers.js';

let server: StatsServer;
let logs: ReturnType<typeof captureLogs>;

beforeAll(() => {
  logs = captureLogs('error');
  server = createStatsServer({ port: 0, secrets: 'k' });
  server.ingestStatsd(
    [
      // A histogram x beside a gauge, set and counter that would write its sample names.
      'x:1|h',
      'x_sum:1|g',
      'x_count:u|s',
      'x_bucket:1|c',
      // A timer t beside a gauge named like its buckets.
      't:1|ms',
      't_seconds_bucket:1|g',
      // A counter and a gauge of one name.
      'y:1|c',
      'y:2|g',
      // Sampled timers: 1 / 0.3 observations each.
      'sampled:12|ms|@0.3',
      'sampled:80|ms|@0.3',
      'sampled.size:7|h|@0.7',
      // Ten timer samples at a tiny rate: counts past 2^53, where a count summed in arrival order fell below le="10".
      ...[1, 3, 20, 1, 9, 0.5, 9, 300, 2, 40].map((v) => `tiny:${v}|ms|@1e-300`),
      // A negative counter delta (a client's decr: an up/down counter, a gauge), negative timers and histograms.
      'down:-3|c',
      'neg:-5|ms',
      'negh:-1|h',
      // A counter driven to infinity, then NaN, by a tiny sample rate.
      'nan:1|c|@5e-324',
      'nan:-1|c|@5e-324',
      // A huge counter that would overflow.
      'big:1e308|c',
      'big:1e308|c',
      // Prototype keys, empty and odd tags, a name that starts with a digit.
      '__proto__:1|g',
      'constructor:1|c|#__proto__:x,constructor:y',
      'tags:1|c|#canary,k:a"b\\\\c',
      '5xx:1|c',
    ].join('\n'),
  );
});

afterAll(async () => {
  await server.close();
  logs.restore();
});

describe('the exposition of every input class', () => {
  it('passes promtool check metrics', async () => {
    const body = await server.metrics.render('prometheus');
    expect(promtoolCheck(body)).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('passes the strict OpenMetrics parser, with whole bucket counts', async () => {
    const body = await server.metrics.render('openmetrics');
    const parsed = openMetricsParse(body);
    expect({ status: parsed.status, stderr: parsed.stderr }).toEqual({ status: 0, stderr: '' });
    const value = (name: string) => parsed.samples!.find(([, n]) => n === name)?.[3];
    // 2 samples at 1 / 0.3 each: 6.67 observations, counted as 6 whole ones with the rest carried.
    expect(value('stats_sampled_seconds_count')).toBe(6);
    expect(value('stats_y_total')).toBe(1);
    expect(value('stats_x_count')).toBe(1);
    expect(value('stats_big_total')).toBe(1e308);
    // The decremented counter is a gauge without _total.
    expect(parsed.samples!.filter(([, n]) => n.startsWith('stats_down'))).toEqual([['gauge', 'stats_down', {}, -3]]);
    // Every bucket of the tiny-rate timer is in order, and +Inf is its count.
    const tiny = parsed.samples!.filter(([, n]) => n === 'stats_tiny_seconds_bucket').map(([, , , v]) => v);
    expect(tiny).toHaveLength(13);
    expect(tiny.every((v, i) => i === 0 || v >= tiny[i - 1]!)).toBe(true);
    expect(tiny[12]).toBe(value('stats_tiny_seconds_count'));
    expect(tiny[11]).toBe(tiny[12]);
  });

  it('counts every line it could not expose, by reason', () => {
    const s = server.snapshot().server;
    expect(s.rejected).toMatchObject({ name_clash: 5, negative_observation: 2, non_finite: 3 });
    const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    expect(rejected).toBe(s.statsdBadLines);
    expect(s.statsdLines + s.statsdBadLines).toBe(32);
  });
});
