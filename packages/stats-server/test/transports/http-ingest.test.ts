import { createStatsServer, type StatsServer, type StatsServerOptions } from '../../src/index.js';
import { captureLogs, httpRequest, postBatch, started } from '../helpers.js';

const SECRET = 'test-secret-1';

let server: StatsServer;
let url: string;
let logs: ReturnType<typeof captureLogs>;

async function start(options: Partial<StatsServerOptions> = {}) {
  server = createStatsServer({ port: 0, secrets: [SECRET], ...options });
  url = (await started(server)).url;
}

beforeEach(() => {
  logs = captureLogs('warn');
});
afterEach(async () => {
  await server.close();
  logs.restore();
});

const batch = (...metrics: unknown[]) => ({ v: 1, metrics });

describe('HTTP ingest', () => {
  beforeEach(() => start());

  it('accumulates exact counter totals, last gauge values and sample counts over many batches', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await postBatch(
        url,
        batch(
          { type: 'counter', name: 'orders.created', value: 50, tags: { region: 'eu' } },
          { type: 'counter', name: 'orders.created', value: 1, tags: { region: 'us' } },
          { type: 'gauge', name: 'queue.depth', value: i },
          { type: 'timer', name: 'db.query', values: [1, 2, 3] },
          { type: 'histogram', name: 'payload.bytes', values: [100, 2048] },
          { type: 'set', name: 'users.unique', values: [`u${i % 7}`] },
        ),
        { secret: SECRET },
      );
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ accepted: 6, rejected: 0, errors: [] });
    }
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ 'orders.created{region=eu}': 1000, 'orders.created{region=us}': 20 });
    expect(snap.gauges).toEqual({ 'queue.depth': 19 });
    expect(snap.timers).toEqual({ 'db.query': { count: 60, sum: 120, min: 1, max: 3 } });
    expect(snap.histograms).toEqual({ 'payload.bytes': { count: 40, sum: 42_960, min: 100, max: 2048 } });
    expect(snap.sets).toEqual({ 'users.unique': 7 });
    expect(snap.server).toMatchObject({ batchesAccepted: 20, metricsAccepted: 120, metricsRejected: 0, series: 6 });
  });

  it('answers 401 without detail for a missing, wrong or stale signature, and applies nothing', async () => {
    const body = batch({ type: 'counter', name: 'c', value: 1 });
    const cases = [
      await postBatch(url, body),
      await postBatch(url, body, { secret: 'wrong-secret' }),
      await postBatch(url, body, { secret: SECRET, timestamp: String(Date.now() - 301_000) }),
      await postBatch(url, body, { secret: SECRET, timestamp: String(Date.now() + 301_000) }),
      await postBatch(url, body, { headers: { 'x-sightline-timestamp': String(Date.now()), 'x-sightline-signature': 'v1=abc' } }),
    ];
    for (const res of cases) {
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'unauthorized' });
    }
    expect(server.snapshot().counters).toEqual({});
    expect(server.snapshot().server.batchesUnauthorized).toBe(5);
    // The log says why; the secret never appears in it.
    expect(logs.records[0]!.message).toBe('unauthorized batch from http 127.0.0.1: missing signature or timestamp');
    expect(JSON.stringify(logs.records)).not.toContain(SECRET);
  });

  it('answers 400 naming what was wrong', async () => {
    const cases: [string, string][] = [
      ['{"v":1,', 'invalid JSON: '],
      ['{"v":2,"metrics":[]}', 'unsupported batch version 2: expected "v": 1'],
      ['{"v":1,"metrics":"x"}', '"metrics" must be an array, got "x"'],
      ['[1]', 'batch must be a JSON object {"v":1,"metrics":[...]}, got [1]'],
    ];
    for (const [body, message] of cases) {
      const res = await postBatch(url, body, { secret: SECRET });
      expect(res.status).toBe(400);
      expect((res.json as { error: string }).error.startsWith(message)).toBe(true);
    }
    const invalidUtf8 = await httpRequest(url, Buffer.from([0x7b, 0xff, 0x7d]), { secret: SECRET });
    expect(invalidUtf8.status).toBe(400);
    expect(invalidUtf8.json).toEqual({ error: 'body is not valid UTF-8' });
    expect(server.snapshot().server.batchesBadRequest).toBe(5);
  });

  it('keeps the valid metrics of a partly invalid batch and reports the others', async () => {
    const res = await postBatch(
      url,
      batch(
        { type: 'counter', name: 'good', value: 3 },
        { type: 'counter', name: 'bad name', value: 1 },
        { type: 'gauge', name: 'g', value: 'high' },
        { type: 'timer', name: 't', values: [4] },
      ),
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      accepted: 2,
      rejected: 2,
      errors: [
        { index: 1, message: 'invalid name "bad name": expected a string of at most 200 characters matching /^[A-Za-z_][A-Za-z0-9_.-]*$/' },
        { index: 2, message: 'gauge "g": "value" must be a finite number, got "high"' },
      ],
    });
    expect(server.snapshot().counters).toEqual({ good: 3 });
    expect(server.snapshot().timers).toEqual({ t: { count: 1, sum: 4, min: 4, max: 4 } });
    expect(server.snapshot().server).toMatchObject({ metricsAccepted: 2, metricsRejected: 2 });
  });

  it('caps the errors listed at 20 while counting every rejection', async () => {
    const metrics = Array.from({ length: 30 }, (_, i) => ({ type: 'counter', name: `n${i}`, value: 'x' }));
    const res = await postBatch(url, batch(...metrics), { secret: SECRET });
    const json = res.json as { accepted: number; rejected: number; errors: { index: number }[] };
    expect([json.accepted, json.rejected, json.errors.length, json.errors[19]!.index]).toEqual([0, 30, 20, 19]);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const notFound = await postBatch(url, batch(), { secret: SECRET, path: '/v2/batch' });
    expect(notFound.status).toBe(404);
    expect(notFound.json).toEqual({ error: 'not found: /v2/batch; batches go to POST /v1/batch' });
    const wrongMethod = await httpRequest(url, undefined, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    const put = await postBatch(url, batch(), { secret: SECRET, method: 'PUT' });
    expect(put.status).toBe(405);
  });

  it('serves the exposition at /metrics and the snapshot at /v1/snapshot', async () => {
    await postBatch(url, batch({ type: 'counter', name: 'orders.created', value: 5, tags: { region: 'eu' } }), { secret: SECRET });
    const metrics = await httpRequest(url, undefined, { path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.text).toContain('\nstats_orders_created_total{region="eu"} 5\n');
    const open = await httpRequest(url, undefined, { path: '/metrics', headers: { accept: 'application/openmetrics-text' } });
    expect(open.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.text.endsWith('# EOF\n')).toBe(true);
    const snap = await httpRequest(url, undefined, { path: '/v1/snapshot' });
    expect((snap.json as { counters: unknown }).counters).toEqual({ 'orders.created{region=eu}': 5 });
  });
});

describe('HTTP ingest limits and secrets', () => {
  it('answers 413 from Content-Length without reading the body', async () => {
    await start({ maxBodyBytes: 1000 });
    const big = JSON.stringify(batch({ type: 'counter', name: 'c', value: 1, tags: { pad: 'x'.repeat(2000) } }));
    const res = await postBatch(url, big, { secret: SECRET });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ error: 'body over maxBodyBytes (1000 bytes)' });
    expect(res.headers.connection).toBe('close');
    expect(server.snapshot().server.batchesTooLarge).toBe(1);
  });

  it('answers 413 for a chunked body once it passes the limit, and stops reading', async () => {
    await start({ maxBodyBytes: 64 * 1024 });
    const big = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const res = await httpRequest(url, big, { secret: SECRET, chunkSize: 16 * 1024 });
    expect(res.status).toBe(413);
    expect(server.snapshot().server.batchesTooLarge).toBe(1);
    // The server is still answering.
    const ok = await postBatch(url, batch({ type: 'counter', name: 'c', value: 1 }), { secret: SECRET });
    expect(ok.status).toBe(200);
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const body = JSON.stringify(batch({ type: 'counter', name: 'c', value: 1 }));
    await start({ maxBodyBytes: Buffer.byteLength(body) });
    expect((await postBatch(url, body, { secret: SECRET })).status).toBe(200);
    expect((await postBatch(url, `${body} `, { secret: SECRET })).status).toBe(413);
  });

  it('accepts every secret of a rotation and refuses retired ones', async () => {
    await start({ secrets: ['old-secret', 'new-secret'] });
    const body = batch({ type: 'counter', name: 'c', value: 1 });
    expect((await postBatch(url, body, { secret: 'old-secret' })).status).toBe(200);
    expect((await postBatch(url, body, { secret: 'new-secret' })).status).toBe(200);
    await server.close();
    await start({ secrets: 'new-secret' });
    expect((await postBatch(url, body, { secret: 'old-secret' })).status).toBe(401);
    expect((await postBatch(url, body, { secret: 'new-secret' })).status).toBe(200);
  });

  it('honours maxSkewMs', async () => {
    await start({ maxSkewMs: 1000 });
    const body = batch({ type: 'counter', name: 'c', value: 1 });
    expect((await postBatch(url, body, { secret: SECRET, timestamp: String(Date.now() - 5000) })).status).toBe(401);
    expect((await postBatch(url, body, { secret: SECRET })).status).toBe(200);
  });

  it('answers 200 with the series limit named, and exposes the dropped count', async () => {
    await start({ maxSeries: 2 });
    const res = await postBatch(
      url,
      batch({ type: 'counter', name: 'a', value: 1 }, { type: 'counter', name: 'b', value: 1 }, { type: 'counter', name: 'c', value: 1 }),
      { secret: SECRET },
    );
    expect(res.json).toEqual({
      accepted: 2,
      rejected: 1,
      errors: [{ index: 2, message: 'series limit reached (maxSeries 2): new series c dropped' }],
    });
    expect(await server.metrics.render()).toContain('\nsightline_stats_server_series_dropped_total 1\n');
  });

  it('does not serve /metrics or /v1/snapshot when exposeMetrics is false', async () => {
    await start({ exposeMetrics: false });
    expect((await httpRequest(url, undefined, { path: '/metrics' })).status).toBe(404);
    expect((await httpRequest(url, undefined, { path: '/v1/snapshot' })).status).toBe(404);
  });
});
