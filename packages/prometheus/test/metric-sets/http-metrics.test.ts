import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { httpMetrics, MetricsCollector, normalizePath } from '../../src/index.js';
import { get, samples } from '../helpers.js';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('normalizePath', () => {
  it.each([
    ['/api/Product', '/api/Product'],
    ['/orders/123', '/orders/:id'],
    ['/orders/123/items/5f1d7a9b3c2e4f6a8b9c0d1e?expand=1', '/orders/:id/items/:id'],
    ['/users/3fa85f64-5717-4562-b3fc-2c963f66afa6/avatar', '/users/:id/avatar'],
    ['/blobs/0123456789abcdef0123', '/blobs/:id'],
    ['/tags/deadbeef', '/tags/deadbeef'],
    ['/v2/abcdefabcdefab', '/v2/abcdefabcdefab'],
    ['/a#frag', '/a'],
    ['', '/'],
    ['?q=1', '/'],
  ])('%s -> %s', (url, endpoint) => {
    expect(normalizePath(url)).toBe(endpoint);
  });
});

describe('httpMetrics', () => {
  it('records requests through a wrapped node:http handler, with ids collapsed', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector);
    const server = createServer(
      http.handler((req, res) => {
        res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
        res.end('ok');
      }),
    );
    const base = await listen(server);
    try {
      await get(`${base}/orders/1`);
      await get(`${base}/orders/2`);
      await get(`${base}/orders/3`, { method: 'POST' });
      await get(`${base}/missing/7`);
    } finally {
      await close(server);
    }
    expect(await samples(collector, 'http_requests_total', 'http_requests_active', 'http_request_duration_seconds_count')).toEqual({
      'http_requests_total{method="GET",endpoint="/orders/:id",status="200"}': 2,
      'http_requests_total{method="POST",endpoint="/orders/:id",status="200"}': 1,
      'http_requests_total{method="GET",endpoint="/missing/:id",status="404"}': 1,
      'http_request_duration_seconds_count{method="GET",endpoint="/orders/:id"}': 2,
      'http_request_duration_seconds_count{method="POST",endpoint="/orders/:id"}': 1,
      'http_request_duration_seconds_count{method="GET",endpoint="/missing/:id"}': 1,
      'http_requests_active{method="GET",endpoint="/orders/:id"}': 0,
      'http_requests_active{method="POST",endpoint="/orders/:id"}': 0,
      'http_requests_active{method="GET",endpoint="/missing/:id"}': 0,
    });
  });

  it('counts a request as active while its handler runs', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector);
    let during: Record<string, number> = {};
    const server = createServer(
      http.handler(
        async (_req, res) => {
          during = await samples(collector, 'http_requests_active');
          res.end();
        },
        { route: '/reports/:year' },
      ),
    );
    const base = await listen(server);
    try {
      await get(`${base}/reports/2024`);
    } finally {
      await close(server);
    }
    expect(during).toEqual({ 'http_requests_active{method="GET",endpoint="/reports/:year"}': 1 });
    expect(await samples(collector, 'http_requests_active')).toEqual({ 'http_requests_active{method="GET",endpoint="/reports/:year"}': 0 });
  });

  it('takes the endpoint from Express route templates, under the router mount path', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector);
    const app = express();
    app.use(http.middleware());
    const router = express.Router();
    router.get('/users/:userId', (_req, res) => void res.status(201).send('ok'));
    app.use('/api', router);
    app.get('/health', (_req, res) => void res.send('ok'));
    const server = createServer(app);
    const base = await listen(server);
    try {
      await get(`${base}/api/users/alice`);
      await get(`${base}/api/users/bob`);
      await get(`${base}/health`);
      await get(`${base}/nope/42`);
    } finally {
      await close(server);
    }
    expect(await samples(collector, 'http_requests_total')).toEqual({
      'http_requests_total{method="GET",endpoint="/api/users/:userId",status="201"}': 2,
      'http_requests_total{method="GET",endpoint="/health",status="200"}': 1,
      'http_requests_total{method="GET",endpoint="/nope/:id",status="404"}': 1,
    });
  });

  it('records durations into http_request_duration_seconds with exact values', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector, { buckets: [0.1, 0.5, 1] });
    http.observe('GET', '/api/Product', 200, 0.05);
    http.observe('GET', '/api/Product', 200, 0.3);
    http.observe('GET', '/api/Product', 500, 2);
    expect(await samples(collector, 'http_request')).toEqual({
      'http_requests_total{method="GET",endpoint="/api/Product",status="200"}': 2,
      'http_requests_total{method="GET",endpoint="/api/Product",status="500"}': 1,
      'http_request_duration_seconds_bucket{method="GET",endpoint="/api/Product",le="0.1"}': 1,
      'http_request_duration_seconds_bucket{method="GET",endpoint="/api/Product",le="0.5"}': 2,
      'http_request_duration_seconds_bucket{method="GET",endpoint="/api/Product",le="1"}': 2,
      'http_request_duration_seconds_bucket{method="GET",endpoint="/api/Product",le="+Inf"}': 3,
      'http_request_duration_seconds_sum{method="GET",endpoint="/api/Product"}': 2.35,
      'http_request_duration_seconds_count{method="GET",endpoint="/api/Product"}': 3,
    });
  });

  it('uses a custom endpoint function and caps distinct endpoints', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector, {
      endpoint: (req) => (req.url?.startsWith('/static/') ? '/static/*' : undefined),
      normalizePath: (url) => url.split('?')[0]!,
      maxEndpoints: 2,
    });
    const server = createServer(http.handler((_req, res) => void res.end()));
    const base = await listen(server);
    try {
      for (const path of ['/static/a.js', '/static/b.css', '/x', '/y', '/z', '/x?q=1']) await get(`${base}${path}`);
    } finally {
      await close(server);
    }
    expect(await samples(collector, 'http_requests_total')).toEqual({
      'http_requests_total{method="GET",endpoint="/static/*",status="200"}': 2,
      'http_requests_total{method="GET",endpoint="/x",status="200"}': 2,
      'http_requests_total{method="GET",endpoint="other",status="200"}': 2,
    });
  });

  it('records a request the client abandoned as status 499', async () => {
    const collector = new MetricsCollector();
    const http = httpMetrics(collector);
    let arrived!: () => void;
    const seen = new Promise<void>((resolve) => (arrived = resolve));
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const server = createServer((req, res) => {
      http.track(req, res, { route: '/slow' });
      res.on('close', () => setImmediate(closed));
      arrived();
    });
    const base = await listen(server);
    try {
      const pending = get(`${base}/slow`).catch(() => undefined);
      await seen;
      server.closeAllConnections();
      await Promise.all([done, pending]);
    } finally {
      await close(server);
    }
    expect(await samples(collector, 'http_requests_total', 'http_requests_active')).toEqual({
      'http_requests_total{method="GET",endpoint="/slow",status="499"}': 1,
      'http_requests_active{method="GET",endpoint="/slow"}': 0,
    });
  });
});
