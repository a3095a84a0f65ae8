import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from '@sightline/exposition';
import { createServer, request, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { setLogSink, type LogRecord, type MetricsSource } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';
import { metricsHandler, MetricsCollector, createMetricsServer } from '../../src/index.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchText(url: string, init: { method?: string; accept?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.accept ? { accept: init.accept } : {}, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

const logs: LogRecord[] = [];
beforeAll(() => setLogSink((r) => logs.push(r)));
afterAll(() => resetLogging({}));

describe('metricsHandler', () => {
  const collector = new MetricsCollector();
  collector.counter('hits_total', 'Hits').inc(4);
  const handler = metricsHandler(collector);
  // Mounted at /metrics in the user's own server, next to its own routes.
  const server = createServer((req, res) => {
    if (req.url === '/metrics') return void handler(req, res);
    res.end('app');
  });
  let base = '';
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves Prometheus text by default', async () => {
    const reply = await fetchText(`${base}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(reply.body).toBe('# HELP hits_total Hits\n# TYPE hits_total counter\nhits_total 4\n');
    expect(reply.headers['content-length']).toBe(String(reply.body.length));
  });

  it('serves OpenMetrics to a scraper that asks for it', async () => {
    const reply = await fetchText(`${base}/metrics`, { accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' });
    expect(reply.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(reply.body).toBe('# HELP hits Hits\n# TYPE hits counter\nhits_total 4\n# EOF\n');
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const head = await fetchText(`${base}/metrics`, { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, '']);
    const post = await fetchText(`${base}/metrics`, { method: 'POST' });
    expect([post.status, post.headers.allow, post.body]).toEqual([405, 'GET, HEAD', 'Method Not Allowed\n']);
  });

  it('answers 500 when the source fails, without throwing into the server', async () => {
    const failing: MetricsSource = { contentType: 'text/plain', render: () => Promise.reject(new Error('boom')) };
    const s = createServer((req, res) => void metricsHandler(failing)(req, res));
    const url = await listen(s);
    try {
      const reply = await fetchText(url);
      expect([reply.status, reply.body]).toEqual([500, 'metrics collection failed\n']);
      expect(logs.map((r) => [r.logger, r.level, r.message, r.fields?.error])).toContainEqual([
        'sightline.prometheus.handler',
        'warn',
        'rendering metrics failed',
        'Error: boom',
      ]);
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('leaves out a metric whose collect callback throws and serves the rest', async () => {
    const c = new MetricsCollector();
    c.gauge('broken', 'Broken', {
      collect() {
        throw new Error('sensor gone');
      },
    });
    c.gauge('fine', 'Fine').set(1);
    expect(await c.render()).toBe('# HELP fine Fine\n# TYPE fine gauge\nfine 1\n');
    expect(await c.render()).toBe('# HELP fine Fine\n# TYPE fine gauge\nfine 1\n');
    // Logged once per metric, not once per scrape.
    expect(logs.filter((r) => r.fields?.metric === 'broken').map((r) => r.message)).toEqual([
      'collecting metric broken failed; left out of the scrape',
    ]);
  });
  // Jest fails a test in which a rejection stays unhandled across an event-loop turn.
  it('a collect callback that throws before the scrape yields to the event loop is no unhandled rejection', async () => {
    const c = new MetricsCollector();
    c.gauge('broken_first', 'Broken', {
      collect() {
        throw new Error('sensor gone');
      },
    });
    // A slow callback after it: the scrape yields to the event loop before it settles the first.
    c.gauge('slow', 'Slow', {
      collect() {
        const until = performance.now() + 5;
        while (performance.now() < until);
        this.set(2);
      },
    });
    expect(await c.render()).toBe('# HELP slow Slow\n# TYPE slow gauge\nslow 2\n');
  });
});

describe('createMetricsServer', () => {
  it('serves the source at its path only, and closes once however often it is asked', async () => {
    const collector = new MetricsCollector();
    collector.gauge('up', 'Up').set(1);
    const server = await createMetricsServer(collector, { path: '/prom' });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/prom`);
      expect(server.host).toBe('127.0.0.1');
      const reply = await fetchText(`${server.url}?x=1`);
      expect([reply.status, reply.body]).toEqual([200, '# HELP up Up\n# TYPE up gauge\nup 1\n']);
      const missing = await fetchText(server.url.replace('/prom', '/metrics'));
      expect(missing.status).toBe(404);
    } finally {
      const first = server.close();
      expect(server.close()).toBe(first);
      expect(server[Symbol.asyncDispose]()).toBe(first);
      await first;
    }
    expect(server.server.listening).toBe(false);
    // A new connection is refused; a kept-alive one the server closed hangs up.
    await expect(fetchText(server.url)).rejects.toThrow(/ECONNREFUSED|socket hang up/);
  });

  it('refuses bad options before binding, naming them', async () => {
    const collector = new MetricsCollector();
    await expect(createMetricsServer(collector, { path: 'metrics' })).rejects.toThrow(
      'invalid option `path` in createMetricsServer(): expected a path starting with "/" (got "metrics")',
    );
    await expect(createMetricsServer(collector, { prot: 9464 } as never)).rejects.toThrow(
      'unknown option `prot` in createMetricsServer(): did you mean `port`?',
    );
  });

  it('rejects with the bind error when the port is taken', async () => {
    const first = await createMetricsServer(new MetricsCollector());
    try {
      await expect(createMetricsServer(new MetricsCollector(), { port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe('metricsHandler compression', () => {
  const collector = new MetricsCollector();
  const requests = collector.counter('requests_total', 'Requests', { labels: ['route'] });
  for (let i = 0; i < 200; i++) requests.inc({ route: `/route/${i}` }, i);
  const server = createServer((req, res) => void metricsHandler(collector)(req, res));
  let base = '';
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function raw(acceptEncoding: string | undefined): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(`${base}/metrics`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('gzips the body for a scraper that accepts gzip, and not for one that does not', async () => {
    const expected = await collector.render();
    const zipped = await raw('gzip');
    expect([zipped.headers['content-encoding'], zipped.headers.vary, Number(zipped.headers['content-length'])]).toEqual([
      'gzip',
      'accept-encoding',
      zipped.body.length,
    ]);
    expect(zipped.body.length).toBeLessThan(expected.length / 4);
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(expected);
    const plain = await raw(undefined);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(expected);
  });
});
