// httpMetrics' fastify plugin and koa middleware, each against the real framework on loopback.
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Fastify from 'fastify';
import Koa from 'koa';
import { httpMetrics, MetricsCollector } from '../../src/index.js';
import { get, samples } from '../helpers.js';

/** Waits until the collector holds `count` finished requests (the close event ends a request), 20 s at most. */
async function settled(collector: MetricsCollector, count: number): Promise<Record<string, number>> {
  for (let i = 0; i < 2000; i++) {
    const values = await samples(collector, 'http_requests_total');
    if (Object.values(values).reduce((a, b) => a + b, 0) >= count) return values;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return samples(collector, 'http_requests_total');
}

describe('http.fastify()', () => {
  const collector = new MetricsCollector();
  const http = httpMetrics(collector);
  const app = Fastify();
  let base = '';

  beforeAll(async () => {
    await app.register(http.fastify());
    app.get('/orders/:id', () => Promise.resolve({ ok: true }));
    app.get('/fail', () => Promise.reject(new Error('boom')));
    // An encapsulated child with a prefix: the plugin's hook still applies, with the full template.
    await app.register(
      (child, _options, done) => {
        child.get('/items/:item', (_req, reply) => reply.code(201).send('made'));
        done();
      },
      { prefix: '/v1/shops/:shop' },
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('records the route template as the endpoint, with method and status', async () => {
    expect((await get(`${base}/orders/42`)).status).toBe(200);
    expect((await get(`${base}/orders/43?x=1`)).status).toBe(200);
    expect((await get(`${base}/v1/shops/7/items/9`)).status).toBe(201);
    expect((await get(`${base}/fail`)).status).toBe(500);
    expect((await get(`${base}/missing/12345`)).status).toBe(404);
    expect(await settled(collector, 5)).toEqual({
      'http_requests_total{method="GET",endpoint="/orders/:id",status="200"}': 2,
      'http_requests_total{method="GET",endpoint="/v1/shops/:shop/items/:item",status="201"}': 1,
      'http_requests_total{method="GET",endpoint="/fail",status="500"}': 1,
      // No route matched: the path with ids collapsed.
      'http_requests_total{method="GET",endpoint="/missing/:id",status="404"}': 1,
    });
    const durations = await samples(collector, 'http_request_duration_seconds_count');
    expect(durations['http_request_duration_seconds_count{method="GET",endpoint="/orders/:id"}']).toBe(2);
    expect(await samples(collector, 'http_requests_active')).toEqual({
      'http_requests_active{method="GET",endpoint="/orders/:id"}': 0,
      'http_requests_active{method="GET",endpoint="/v1/shops/:shop/items/:item"}': 0,
      'http_requests_active{method="GET",endpoint="/fail"}': 0,
      'http_requests_active{method="GET",endpoint="/missing/:id"}': 0,
    });
  });
});

describe('http.koa()', () => {
  const collector = new MetricsCollector();
  const http = httpMetrics(collector);
  const app = new Koa();
  const router = new Router({ prefix: '/api' });
  router.get('/users/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  router.post('/users/:id/orders', (ctx) => {
    ctx.status = 201;
    ctx.body = 'created';
  });
  router.get('/boom', () => {
    throw new Error('boom');
  });
  app.silent = true;
  app.use(http.koa());
  app.use(router.routes());
  let server: ReturnType<Koa['listen']>;
  let base = '';

  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("records @koa/router's matched template (prefix included) as the endpoint", async () => {
    expect((await get(`${base}/api/users/17`)).status).toBe(200);
    expect((await get(`${base}/api/users/18`)).status).toBe(200);
    expect((await get(`${base}/api/users/18/orders`, { method: 'POST' })).status).toBe(201);
    expect((await get(`${base}/api/boom`)).status).toBe(500);
    expect((await get(`${base}/nowhere/5`)).status).toBe(404);
    expect(await settled(collector, 5)).toEqual({
      'http_requests_total{method="GET",endpoint="/api/users/:id",status="200"}': 2,
      'http_requests_total{method="POST",endpoint="/api/users/:id/orders",status="201"}': 1,
      'http_requests_total{method="GET",endpoint="/api/boom",status="500"}': 1,
      'http_requests_total{method="GET",endpoint="/nowhere/:id",status="404"}': 1,
    });
  });
});
