// decr end to end against the real receiver: a counter that goes down is applied (an up/down
// counter, a gauge in /metrics), and a decrement the server still refuses reaches onError.
import { get } from 'node:http';
import { createStatsServer, type StatsServer } from '@sightline/stats-server';
import { StatsClient, StatsTransportError, type StatsError } from '../../src/index.js';
import { captureLogs } from '../helpers.js';

const SECRET = 'decr-secret';
const quick = { flushIntervalMs: 0, retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2000 } as const;

function scrape(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${url}/metrics`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The sample lines of one metric name (any labels), without HELP and TYPE. */
function samples(body: string, name: string): string[] {
  return body.split('\n').filter((line) => line === name || line.startsWith(`${name} `) || line.startsWith(`${name}{`));
}

describe.each(['http', 'ws'] as const)('decr over %s against @sightline/stats-server', (protocol) => {
  let server: StatsServer;
  let logs: ReturnType<typeof captureLogs>;
  let client: StatsClient;
  const errors: StatsError[] = [];

  beforeEach(async () => {
    logs = captureLogs('info');
    errors.length = 0;
    server = createStatsServer({ port: 0, secrets: SECRET });
    await server.start();
    client = new StatsClient({ ...quick, protocol, destPort: server.address().port, secret: SECRET, onError: (e) => errors.push(e) });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
    logs.restore();
  });

  it('incr x5, a flush, decr(2): /metrics shows 3, as a gauge without _total', async () => {
    for (let i = 0; i < 5; i++) client.incr('jobs.active');
    await client.flush();
    const before = await scrape(server.address().url);
    expect(samples(before, 'stats_jobs_active_total')).toEqual(['stats_jobs_active_total 5']);

    client.decr('jobs.active', 2);
    await client.flush();
    const after = await scrape(server.address().url);
    expect(after).toContain('# TYPE stats_jobs_active gauge\n');
    expect(samples(after, 'stats_jobs_active')).toEqual(['stats_jobs_active 3']);
    expect(samples(after, 'stats_jobs_active_total')).toEqual([]);
    expect(server.snapshot().counters['jobs.active']).toBe(3);
    expect(errors).toEqual([]);
    // The server says once why the family changed type.
    const switched = logs.records.filter((r) => r.logger === 'sightline.stats-server' && r.message.includes('negative delta'));
    expect(switched.map((r) => r.level)).toEqual(['info']);
  });

  it('a decr the server still refuses (its name is a gauge there) reaches onError, naming the metric', async () => {
    client.gauge('queue', 4);
    await client.flush();
    client.decr('queue', 1);
    client.incr('other');
    await client.flush();
    // The rest of the batch is applied; the refused decrement is counted and reported, not silent.
    expect(server.snapshot().counters.other).toBe(1);
    expect(server.snapshot().gauges.queue).toBe(4);
    expect(client.stats()).toMatchObject({ rejectedMetrics: 1 });
    expect(errors).toHaveLength(1);
    const error = errors[0] as StatsTransportError;
    expect(error).toBeInstanceOf(StatsTransportError);
    expect({ code: error.code, kind: error.kind, status: error.status, retryable: error.retryable }).toEqual({
      code: 'SIGHTLINE_ERR_STATS_TRANSPORT',
      kind: 'rejected',
      status: 200,
      retryable: false,
    });
    expect(error.message).toMatch(
      /applied the batch but refused 1 of 2 metric\(s\) on their own, which are lost: #\d "queue" as a counter \(exposed as stats_queue_total\) clashes with the gauge "queue"/,
    );
    // And the client logs it (once).
    const warned = logs.records.filter((r) => r.logger === 'sightline.stats' && r.level === 'warn');
    expect(warned.map((r) => r.message)).toEqual([error.message]);
  });
});
