import { request } from 'node:http';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { MetricsSource } from '@sightline/core';
import { closeServers, countingCheck, get, hangingCheck, ISO_SECONDS, quietLogs, startServer } from './helpers.js';

quietLogs();
afterEach(closeServers);

// Jest's asymmetric matchers are typed `any`; held as `unknown` they fit any expected object.
const anyNumber: unknown = expect.any(Number);
const isoTimestamp: unknown = expect.stringMatching(ISO_SECONDS);

const PROM = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const promSource: MetricsSource = {
  contentType: PROM,
  render: () => '# TYPE orders_total counter\norders_total 3\n',
  negotiate: (accept) =>
    accept?.includes('application/openmetrics-text')
      ? { contentType: OM, body: '# TYPE orders counter\norders_total 3\n# EOF\n' }
      : { contentType: PROM, body: '# TYPE orders_total counter\norders_total 3\n' },
};

describe('createHealthServer endpoints over HTTP', () => {
  it('binds 127.0.0.1 and reports its URL', async () => {
    const s = await startServer();
    expect(s.host).toBe('127.0.0.1');
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
  });

  it('GET /health answers 200 healthy with a second-precision ISO 8601 UTC timestamp', async () => {
    const s = await startServer();
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = await get(s.url, '/health');
    const after = Date.now();
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(JSON_TYPE);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.body)));
    const body = r.json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['status', 'timestamp']);
    expect(body.status).toBe('healthy');
    expect(body.timestamp).toMatch(ISO_SECONDS);
    // The time of the answer, to the second.
    const answeredAt = Date.parse(body.timestamp as string);
    expect(answeredAt >= before && answeredAt <= after).toBe(true);
  });

  it('GET /health/live answers 200 alive with whole uptime seconds, even before markReady()', async () => {
    const s = await startServer();
    const uptimeBefore = Math.floor(process.uptime());
    const r = await get(s.url, '/health/live');
    const uptimeAfter = Math.floor(process.uptime());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(JSON_TYPE);
    const body = r.json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['status', 'uptime_seconds', 'timestamp']);
    expect(body.status).toBe('alive');
    // The server is this process: its uptime, in whole seconds, read between the two readings here.
    expect(Number.isInteger(body.uptime_seconds)).toBe(true);
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(uptimeBefore);
    expect(body.uptime_seconds).toBeLessThanOrEqual(uptimeAfter);
    expect(body.timestamp).toMatch(ISO_SECONDS);
  });

  it('HEAD answers with the GET headers and no body', async () => {
    const s = await startServer();
    const getReply = await get(s.url, '/health');
    const head = await get(s.url, '/health', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe(JSON_TYPE);
    expect(head.headers['content-length']).toBe(getReply.headers['content-length']);
    expect((await get(s.url, '/health/ready', { method: 'HEAD' })).status).toBe(503);
  });

  it('/health/ready answers 503 starting until markReady(), then 200 ready with each check', async () => {
    const s = await startServer({ checks: [countingCheck('db', { healthy: true, message: 'pool ok' })] });
    const before = await get(s.url, '/health/ready');
    expect(before.status).toBe(503);
    expect(before.headers['content-type']).toBe(JSON_TYPE);
    expect(before.json()).toEqual({ status: 'not_ready', api_status: 'offline', reason: 'starting', timestamp: isoTimestamp });

    s.markReady();
    const after = await get(s.url, '/health/ready');
    expect(after.status).toBe(200);
    expect(after.json()).toEqual({
      status: 'ready',
      api_status: 'online',
      checks: { db: { status: 'pass', duration_ms: anyNumber, message: 'pool ok' } },
      timestamp: isoTimestamp,
    });
  });

  it('/health/ready answers 503 naming the failed checks, non-critical ones reported but not failing', async () => {
    const s = await startServer({
      ready: true,
      checks: [
        countingCheck('db', { healthy: false, message: 'connection refused' }),
        countingCheck('cache', { healthy: false }, { critical: false }),
        countingCheck('queue'),
      ],
    });
    const r = await get(s.url, '/health/ready');
    expect(r.status).toBe(503);
    expect(r.json()).toEqual({
      status: 'not_ready',
      api_status: 'offline',
      reason: 'checks_failed',
      failed: ['db'],
      checks: {
        db: { status: 'fail', duration_ms: anyNumber, message: 'connection refused' },
        cache: { status: 'fail', duration_ms: anyNumber, critical: false },
        queue: { status: 'pass', duration_ms: anyNumber },
      },
      timestamp: isoTimestamp,
    });
  });

  it('a hanging check fails as timed out and the probe still answers', async () => {
    const hang = hangingCheck('db');
    const s = await startServer({ ready: true, checkTimeoutMs: 30, checks: [hang, countingCheck('queue')] });
    const r = await get(s.url, '/health/ready');
    expect(r.status).toBe(503);
    expect(r.json()).toMatchObject({
      failed: ['db'],
      checks: { db: { status: 'fail', duration_ms: 30, message: 'timed out after 30ms' }, queue: { status: 'pass' } },
    });
    hang.release();
  });

  it('caches check results for cacheMs: repeated probes call a check once', async () => {
    const db = countingCheck('db');
    const s = await startServer({ ready: true, cacheMs: 60_000, checks: [db] });
    for (let i = 0; i < 5; i++) expect((await get(s.url, '/health/ready')).status).toBe(200);
    expect(db.calls).toBe(1);
  });

  it('runs the checks on every probe with cacheMs: 0', async () => {
    const db = countingCheck('db');
    const s = await startServer({ ready: true, cacheMs: 0, checks: [db] });
    for (let i = 0; i < 3; i++) await get(s.url, '/health/ready');
    expect(db.calls).toBe(3);
  });

  it('follows checks added and removed after start', async () => {
    const s = await startServer({ ready: true, cacheMs: 60_000 });
    expect((await get(s.url, '/health/ready')).json()).toMatchObject({ status: 'ready', checks: {} });
    s.addCheck(countingCheck('late', { healthy: false, message: 'warming up' }));
    expect((await get(s.url, '/health/ready')).json()).toMatchObject({ status: 'not_ready', failed: ['late'] });
    expect(s.removeCheck('late')).toBe(true);
    expect((await get(s.url, '/health/ready')).status).toBe(200);
  });

  it('markNotReady() turns readiness 503 (reason not_ready) until markReady() again', async () => {
    const s = await startServer({ ready: true });
    s.markNotReady();
    expect((await get(s.url, '/health/ready')).json()).toMatchObject({ status: 'not_ready', reason: 'not_ready' });
    expect((await get(s.url, '/health/live')).status).toBe(200);
    s.markReady();
    expect((await get(s.url, '/health/ready')).status).toBe(200);
  });

  it('/health/startup waits for markReady() and every startup check, then stays started', async () => {
    let migrated = false;
    const s = await startServer({
      cacheMs: 0,
      startupChecks: [{ name: 'migrations', check: () => Promise.resolve({ healthy: migrated }) }],
    });
    let r = await get(s.url, '/health/startup');
    expect(r.status).toBe(503);
    expect(r.json()).toEqual({
      status: 'starting',
      waiting_for: ['markReady', 'migrations'],
      checks: { migrations: { status: 'fail', duration_ms: anyNumber } },
      timestamp: isoTimestamp,
    });
    s.markReady();
    expect((await get(s.url, '/health/startup')).json()).toMatchObject({ status: 'starting', waiting_for: ['migrations'] });
    expect((await get(s.url, '/health/ready')).json()).toMatchObject({ reason: 'starting' });
    migrated = true;
    r = await get(s.url, '/health/startup');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'started', timestamp: isoTimestamp });
    migrated = false; // startup is latched: later failures of a startup check do not undo it
    expect((await get(s.url, '/health/startup')).status).toBe(200);
    expect((await get(s.url, '/health/ready')).status).toBe(200);
  });

  it('answers unknown paths 404 and other methods 405 with Allow, both in JSON', async () => {
    const s = await startServer();
    const missing = await get(s.url, '/healthz?x=1');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe(JSON_TYPE);
    expect(missing.json()).toEqual({
      error: 'not_found',
      message: 'no endpoint at /healthz; try /health, /health/live, /health/ready, /health/startup, /metrics',
    });

    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await get(s.url, '/health/ready', { method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(r.json()).toEqual({ error: 'method_not_allowed', message: `${method} is not allowed on /health/ready; use GET or HEAD` });
    }
  });

  it('ignores the query string', async () => {
    const s = await startServer();
    expect((await get(s.url, '/health/live?verbose=1')).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('serves the MetricsSource with its content type, negotiating OpenMetrics on Accept', async () => {
    const s = await startServer({ metrics: promSource });
    const text = await get(s.url, '/metrics');
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe(PROM);
    expect(text.body).toBe('# TYPE orders_total counter\norders_total 3\n');
    const om = await get(s.url, '/metrics', { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(om.headers['content-type']).toBe(OM);
    expect(om.body).toBe('# TYPE orders counter\norders_total 3\n# EOF\n');
  });

  it('gzips the exposition for a scraper that accepts gzip (the rule metricsHandler uses too)', async () => {
    const body = `# TYPE orders_total counter\n${Array.from({ length: 200 }, (_, i) => `orders_total{shop="${i}"} ${i}\n`).join('')}`;
    const s = await startServer({ metrics: { contentType: PROM, render: () => body } });
    const reply = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = request(`${s.url}/metrics`, { headers: { 'accept-encoding': 'gzip' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect([reply.headers['content-encoding'], reply.headers.vary, Number(reply.headers['content-length'])]).toEqual([
      'gzip',
      'accept-encoding',
      reply.body.length,
    ]);
    expect(gunzipSync(reply.body).toString('utf8')).toBe(body);
    const plain = await get(s.url, '/metrics');
    expect([plain.headers['content-encoding'], plain.body]).toEqual([undefined, body]);
  });

  it('serves the JSON fallback from snapshots, sensors and checks when there is no source', async () => {
    const s = await startServer({
      snapshot: () => ({ cache: { enabled: true, size: 234, max_size: 1000, hit_rate: 0.87 } }),
      sensors: { queue: { asDict: () => ({ size: 5, active_workers: 3, total_processed: 4521 }) } },
      checks: [countingCheck('db', { healthy: true, details: { pool_size: 4 } })],
    });
    const r = await get(s.url, '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(JSON_TYPE);
    expect(r.json()).toEqual({
      cache: { enabled: true, size: 234, max_size: 1000, hit_rate: 0.87 },
      queue: { size: 5, active_workers: 3, total_processed: 4521 },
      checks: { db: { status: 'pass', duration_ms: anyNumber, details: { pool_size: 4 } } },
    });
  });

  it("builds pyWATS's cache and queue sections of the JSON fallback from the cache and queue figures", async () => {
    const s = await startServer({
      cache: () => ({ hits: 1325, misses: 198, evictions: 12, size: 234, maxSize: 1000 }),
      queue: () => ({ depth: 5, activeWorkers: 3, processed: 4521 }),
    });
    const r = await get(s.url, '/metrics');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      cache: { enabled: true, size: 234, max_size: 1000, hit_rate: 0.87, total_requests: 1523, hits: 1325, misses: 198, evictions: 12 },
      queue: { size: 5, active_workers: 3, total_processed: 4521 },
      checks: {},
    });
    const failing = await startServer({
      cache: () => {
        throw new Error('cache gone');
      },
      queue: () => ({ depth: 0, activeWorkers: 0, processed: 0 }),
    });
    expect((await get(failing.url, '/metrics')).json()).toEqual({ queue: { size: 0, active_workers: 0, total_processed: 0 }, checks: {} });
  });

  it('serves what it can when a snapshot throws', async () => {
    const s = await startServer({
      snapshot: () => {
        throw new Error('boom');
      },
      sensors: { queue: { asDict: () => ({ size: 1 }) } },
    });
    expect((await get(s.url, '/metrics')).json()).toEqual({ queue: { size: 1 }, checks: {} });
  });

  it('answers 500 in JSON when the source fails, and 503 when it takes longer than requestTimeoutMs', async () => {
    const failing = await startServer({ metrics: { contentType: PROM, render: () => Promise.reject(new Error('registry gone')) } });
    const r = await get(failing.url, '/metrics');
    expect(r.status).toBe(500);
    expect(r.json()).toEqual({ error: 'metrics_failed', message: 'rendering /metrics failed; see the sightline.health log' });

    const slow = await startServer({
      requestTimeoutMs: 30,
      metrics: { contentType: PROM, render: () => new Promise<string>(() => undefined) },
    });
    const t = await get(slow.url, '/metrics');
    expect(t.status).toBe(503);
    expect(t.json()).toEqual({ error: 'metrics_timeout', message: 'rendering /metrics took longer than 30 ms' });
  });

  it('is 404 when metrics are disabled, by option or by SIGHTLINE_HEALTH_ENABLE_METRICS', async () => {
    const off = await startServer({ metrics: promSource, env: { SIGHTLINE_HEALTH_ENABLE_METRICS: 'false' } });
    const r = await get(off.url, '/metrics');
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({
      error: 'not_found',
      message: '/metrics is disabled (enableMetrics: false or SIGHTLINE_HEALTH_ENABLE_METRICS=false)',
    });
    const off2 = await startServer({ enableMetrics: false });
    expect((await get(off2.url, '/metrics')).status).toBe(404);
  });

  it('requires the bearer token when one is set: 401 with WWW-Authenticate without it or with a wrong one', async () => {
    const s = await startServer({ metrics: promSource, metricsToken: 'scrape-me', metricsRateLimit: false });
    const none = await get(s.url, '/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(none.json()).toEqual({
      error: 'unauthorized',
      message: '/metrics needs an Authorization: Bearer <token> header with the configured token',
    });
    expect((await get(s.url, '/metrics', { headers: { authorization: 'Bearer scrape-mf' } })).status).toBe(401);
    const ok = await get(s.url, '/metrics', { headers: { authorization: 'Bearer scrape-me' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('# TYPE orders_total counter\norders_total 3\n');
    // Probes need no token.
    expect((await get(s.url, '/health/live')).status).toBe(200);
  });

  it('rate-limits /metrics: 429 with Retry-After past the limit, probes unaffected', async () => {
    const s = await startServer({ metrics: promSource, metricsRateLimit: { max: 3, windowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(s.url, '/metrics')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await get(s.url, '/metrics');
    expect(limited.headers['retry-after']).toMatch(/^(59|60)$/);
    expect(limited.json()).toEqual({ error: 'too_many_requests', message: '/metrics allows 3 requests per 60000 ms' });
    expect((await get(s.url, '/health/live')).status).toBe(200);
  });
});

describe('request timeouts', () => {
  it('answers 408 to a request whose headers never finish within requestTimeoutMs', async () => {
    const s = await startServer({ requestTimeoutMs: 100 });
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  });
});

describe('close()', () => {
  it('turns readiness 503 at once while liveness stays 200, lets an in-flight request finish, runs handlers, then closes', async () => {
    const slow = hangingCheck('slow');
    const s = await startServer({ ready: true, cacheMs: 0, checkTimeoutMs: 60_000, shutdownDelayMs: 50, checks: [slow] });
    const order: string[] = [];
    s.onShutdown(() => {
      order.push('handler');
    });
    const inflight = get(s.url, '/health/ready');
    while (slow.calls === 0) await new Promise((r) => setTimeout(r, 5));

    const done = s.close().then(() => order.push(s.forcedClose ? 'closed:forced' : 'closed'));
    expect(s.shuttingDown).toBe(true);
    const ready = await get(s.url, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
    expect((await get(s.url, '/health/live')).status).toBe(200);

    slow.release({ healthy: true });
    // The in-flight probe completes; shutdown began while it ran, so it reports shutting_down.
    const r = await inflight;
    expect(r.status).toBe(503);
    await done;
    expect(order).toEqual(['handler', 'closed']);
    await expect(get(s.url, '/health/live')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('forces connections closed after shutdownTimeoutMs when a handler hangs, and says so in forcedClose', async () => {
    const s = await startServer({ shutdownTimeoutMs: 30 });
    s.onShutdown(() => new Promise(() => undefined));
    expect(s.forcedClose).toBe(false);
    await s.close();
    expect(s.forcedClose).toBe(true);
    await expect(get(s.url, '/health/live')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('is idempotent: a second call returns the same promise, and `await using` closes', async () => {
    const s = await startServer();
    expect(s.close()).toBe(s.close());
    await s.close();
    const url = await (async () => {
      await using scoped = await startServer();
      return scoped.url;
    })();
    await expect(get(url, '/health/live')).rejects.toThrow(/ECONNREFUSED/);
  });
});
