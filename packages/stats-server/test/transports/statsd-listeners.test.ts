import { createStatsServer, type StatsServer, type StatsServerAddress, type StatsServerOptions } from '../../src/index.js';
import { captureLogs, sendTcp, sendUdp, waitFor, started } from '../helpers.js';

let server: StatsServer;
let address: StatsServerAddress;
let logs: ReturnType<typeof captureLogs>;

async function start(extra: Partial<StatsServerOptions> = {}) {
  server = createStatsServer({ port: 0, secrets: 's', statsd: { udpPort: 0, tcpPort: 0 }, ...extra });
  address = await started(server);
}

beforeEach(() => {
  logs = captureLogs('warn');
});
afterEach(async () => {
  await server.close();
  logs.restore();
});

const lines = () => server.snapshot().server.statsdLines + server.snapshot().server.statsdBadLines;

describe('StatsD over UDP', () => {
  beforeEach(() => start());

  it('applies every line form of a packet', async () => {
    await sendUdp(
      address.statsdUdpPort!,
      [
        'hits:1|c',
        'hits:2|c|@0.5',
        'sampled:1|c|@0.1',
        'temp:20|g',
        'temp:+5|g',
        'temp:-3|g',
        'lat:10|ms',
        'lat:20|ms:30|ms',
        'lat.sampled:40|ms|@0.25',
        'size:100|h',
        'size:300|d',
        'users:alice|s',
        'users:bob|s',
        'users:alice|s',
        'req:1|c|#route:/api,method:GET,canary',
      ].join('\n'),
    );
    await waitFor(() => lines() === 15);
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ hits: 5, sampled: 10, 'req{canary=,method=GET,route=/api}': 1 });
    expect(snap.gauges).toEqual({ temp: 22 });
    expect(snap.timers).toEqual({
      lat: { count: 3, sum: 60, min: 10, max: 30 },
      'lat.sampled': { count: 4, sum: 160, min: 40, max: 40 },
    });
    expect(snap.histograms).toEqual({ size: { count: 2, sum: 400, min: 100, max: 300 } });
    expect(snap.sets).toEqual({ users: 2 });
    expect(snap.server).toMatchObject({ statsdLines: 15, statsdBadLines: 0 });
    const text = await server.metrics.render();
    // An empty tag value is no label (Prometheus reads `{canary=""}` as no canary label at all).
    expect(text).toContain('\nstats_req_total{method="GET",route="/api"} 1\n');
    expect(text).toContain('\nstats_lat_seconds_sum 0.06\nstats_lat_seconds_count 3\n');
  });

  it('counts and logs bad lines, applies the good lines of the same packet', async () => {
    await sendUdp(address.statsdUdpPort!, 'good:1|c\nbad line\nworse:x|c\n\nalso.good:2|c\r\n');
    await waitFor(() => lines() === 4);
    expect(server.snapshot().counters).toEqual({ good: 1, 'also.good': 2 });
    expect(server.snapshot().server).toMatchObject({ statsdLines: 2, statsdBadLines: 2 });
    // Rate-limited: the first bad line is logged, the second within the interval is not.
    const warnings = logs.records.filter((r) => r.logger === 'sightline.stats-server.statsd');
    expect(warnings.map((r) => r.message)).toEqual([
      'bad StatsD line from udp 127.0.0.1: no ":" between name and value (expected name:value|type)',
    ]);
    expect(warnings[0]!.fields).toEqual({ line: 'bad line', badLines: 1 });
  });

  it('counts one packet of many datagrams line by line, exactly', async () => {
    const datagrams = Array.from({ length: 200 }, (_, i) => `bulk:${i}|c\nbulk.g:${i}|g`);
    await sendUdp(address.statsdUdpPort!, ...datagrams);
    await waitFor(() => lines() === 400);
    expect(server.snapshot().counters).toEqual({ bulk: (199 * 200) / 2 });
  });
});

describe('StatsD over TCP', () => {
  it('reads newline-delimited lines split anywhere across writes, and a last line without newline', async () => {
    await start();
    await sendTcp(address.statsdTcpPort!, 'a:1|c\nb:', '2|c\nc:3', '|ms\n', 'd:4|g');
    await waitFor(() => lines() === 4);
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ a: 1, b: 2 });
    expect(snap.timers).toEqual({ c: { count: 1, sum: 3, min: 3, max: 3 } });
    expect(snap.gauges).toEqual({ d: 4 });
  });

  it('decodes UTF-8 split across writes', async () => {
    await start();
    const line = Buffer.from('caf\u00e9.visits:1|c\n', 'utf8');
    await sendTcp(address.statsdTcpPort!, line.subarray(0, 4), line.subarray(4));
    await waitFor(() => lines() === 1);
    expect(server.snapshot().counters).toEqual({ 'caf\u00e9.visits': 1 });
  });

  it('drops and counts a line longer than maxTcpLineLength without buffering it, then goes on', async () => {
    await start({ maxTcpLineLength: 100 });
    await sendTcp(address.statsdTcpPort!, 'x'.repeat(60), 'y'.repeat(60), 'z'.repeat(1000), ':1|c\nok:1|c\n');
    await waitFor(() => lines() === 2);
    expect(server.snapshot().counters).toEqual({ ok: 1 });
    expect(server.snapshot().server.statsdBadLines).toBe(1);
  });
});

describe('StatsD listeners', () => {
  it('share the series limit with batches, exposed as a metric', async () => {
    await start({ maxSeries: 1 });
    await sendUdp(address.statsdUdpPort!, 'one:1|c\ntwo:1|c\nthree:1|g');
    await waitFor(() => lines() === 3);
    expect(server.snapshot().counters).toEqual({ one: 1 });
    expect(server.snapshot().server).toMatchObject({ seriesDropped: 2, statsdBadLines: 2, series: 1 });
    expect(await server.metrics.render()).toContain('\nsightline_stats_server_series_dropped_total 2\n');
  });

  it('start only when their port is given', async () => {
    server = createStatsServer({ port: 0, secrets: 's' });
    address = await started(server);
    expect(address.statsdUdpPort).toBeUndefined();
    expect(address.statsdTcpPort).toBeUndefined();
  });
});
