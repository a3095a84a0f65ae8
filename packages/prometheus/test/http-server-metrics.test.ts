// The prometheus() plugin's HTTP server metrics (OpenTelemetry's names), recorded from Node's
// diagnostics channels on real node:http, Express and fastify servers on loopback.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { claimHttpServerMetrics, markToolkitServer, OTHER_ROUTE } from '@sightline/core/internal';
import express from 'express';
import Fastify from 'fastify';
import { prometheus } from '../src/index.js';
import { get, parseSamples } from './helpers.js';

type Plugin = ReturnType<typeof prometheus>;

const FINISH = 'http.server.response.finish';

/** Resolves once `count` responses finished on any server (after the plugin's own listener ran). */
function finished(count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = (): void => {
      if (++seen < count) return;
      unsubscribe(FINISH, on);
      resolve();
    };
    subscribe(FINISH, on);
  });
}

async function started(options: Parameters<typeof prometheus>[0] = {}): Promise<Plugin> {
  const plugin = prometheus({ collectDefaultMetrics: false, ...options });
  await plugin.start!({} as never);
  return plugin;
}

/** The samples of the HTTP server families (and the overflow counter), by `name{labels}`. */
async function httpSamples(plugin: Plugin): Promise<Record<string, number>> {
  const all = parseSamples(await plugin.collector.render());
  return Object.fromEntries([...all].filter(([k]) => k.startsWith('http_server_') || k.startsWith('sightline_http_route')));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

const labels = (route: string, status: number, extra = '') =>
  `http_request_method="GET",http_route="${route}",http_response_status_code="${status}",url_scheme="http",network_protocol_version="1.1"${extra}`;

describe('prometheus() HTTP server metrics on node:http', () => {
  let plugin: Plugin;
  let server: Server;
  let base = '';
  let hold: ServerResponse | undefined;
  let held: (() => void) | undefined;

  beforeEach(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hold') {
        hold = res;
        held?.();
        return;
      }
      const status = req.url?.startsWith('/fail') ? 503 : 200;
      const body = Buffer.from('{"ok":true}');
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
      req.resume();
      req.on('end', () => res.end(body));
    });
    base = await listen(server);
  });
  afterEach(async () => {
    await plugin.close!();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('records duration, body sizes and in-flight requests by method, normalised route and status; families appear with the first request', async () => {
    plugin = await started();
    expect(await plugin.collector.render()).not.toContain('http_server_');
    const done = finished(3);
    await get(`${base}/orders/42?expand=items`);
    await get(`${base}/orders/43`);
    await get(`${base}/fail`);
    await done;
    const values = await httpSamples(plugin);
    expect(values[`http_server_request_duration_seconds_count{${labels('/orders/:id', 200)}}`]).toBe(2);
    expect(values[`http_server_request_duration_seconds_count{${labels('/fail', 503, ',error_type="503"')}}`]).toBe(1);
    expect(values[`http_server_request_duration_seconds_bucket{${labels('/orders/:id', 200, ',le="10"')}}`]).toBe(2);
    expect(values[`http_server_response_body_size_bytes_sum{${labels('/orders/:id', 200)}}`]).toBe(22);
    expect(values[`http_server_response_body_size_bytes_bucket{${labels('/orders/:id', 200, ',le="10"')}}`]).toBe(0);
    expect(values[`http_server_response_body_size_bytes_bucket{${labels('/orders/:id', 200, ',le="25"')}}`]).toBe(2);
    expect(values['http_server_active_requests{http_request_method="GET",url_scheme="http"}']).toBe(0);
    expect(values['sightline_http_route_overflow_total']).toBe(0);
    // GET requests sent no Content-Length: no request body size.
    expect(Object.keys(values).some((k) => k.startsWith('http_server_request_body_size_bytes_count'))).toBe(false);
  });

  it('records the request body size from Content-Length, and an unknown method as _OTHER', async () => {
    plugin = await started();
    const done = finished(1);
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/upload`, { method: 'PURGE', headers: { 'content-length': 5 } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('hello');
    });
    await done;
    const values = await httpSamples(plugin);
    const other = labels('/upload', 200).replace('"GET"', '"_OTHER"');
    expect(values[`http_server_request_body_size_bytes_sum{${other}}`]).toBe(5);
    expect(values[`http_server_request_body_size_bytes_count{${other}}`]).toBe(1);
  });

  it('counts a request in flight, and one the client aborts with error_type="aborted"', async () => {
    plugin = await started();
    const arrived = new Promise<void>((resolve) => (held = resolve));
    const client = request(`${base}/hold`);
    client.on('error', () => undefined);
    client.end();
    await arrived;
    expect((await httpSamples(plugin))['http_server_active_requests{http_request_method="GET",url_scheme="http"}']).toBe(1);
    const closed = new Promise((resolve) => hold!.on('close', resolve));
    client.destroy();
    await closed;
    const values = await httpSamples(plugin);
    expect(values['http_server_active_requests{http_request_method="GET",url_scheme="http"}']).toBe(0);
    expect(values[`http_server_request_duration_seconds_count{${labels('/hold', 200, ',error_type="aborted"')}}`]).toBe(1);
  });

  it('caps the distinct routes: past httpMaxRoutes a new one is _OTHER, counted in the overflow counter', async () => {
    plugin = await started({ httpMaxRoutes: 2 });
    const done = finished(4);
    for (const path of ['/a', '/b', '/c', '/a']) await get(`${base}${path}`);
    await done;
    const values = await httpSamples(plugin);
    expect(values[`http_server_request_duration_seconds_count{${labels('/a', 200)}}`]).toBe(2);
    expect(values[`http_server_request_duration_seconds_count{${labels('/b', 200)}}`]).toBe(1);
    expect(values[`http_server_request_duration_seconds_count{${labels(OTHER_ROUTE, 200)}}`]).toBe(1);
    expect(values['sightline_http_route_overflow_total']).toBe(1);
  });

  it("leaves out the toolkit's own servers", async () => {
    plugin = await started();
    const toolkit = createServer((_req, res) => res.end('ok'));
    markToolkitServer(toolkit);
    const toolkitBase = await listen(toolkit);
    try {
      const done = finished(2);
      await get(`${toolkitBase}/health/ready`);
      await get(`${base}/orders/1`);
      await done;
      const values = await httpSamples(plugin);
      expect(Object.keys(values).filter((k) => k.startsWith('http_server_request_duration_seconds_count'))).toEqual([
        `http_server_request_duration_seconds_count{${labels('/orders/:id', 200)}}`,
      ]);
    } finally {
      toolkit.closeAllConnections();
      await new Promise((resolve) => toolkit.close(resolve));
    }
  });

  it('records nothing while another recorder (an OpenTelemetry bridge) claims them, unless httpServerMetrics: true', async () => {
    plugin = await started();
    const forced = await started({ httpServerMetrics: true });
    const off = await started({ httpServerMetrics: false });
    const release = claimHttpServerMetrics('otel');
    try {
      const done = finished(1);
      await get(`${base}/orders/1`);
      await done;
    } finally {
      release();
    }
    expect(await httpSamples(plugin)).toEqual({});
    expect(await httpSamples(off)).toEqual({});
    expect((await httpSamples(forced))[`http_server_request_duration_seconds_count{${labels('/orders/:id', 200)}}`]).toBe(1);
    // Released: the auto plugin records again.
    const done = finished(1);
    await get(`${base}/orders/2`);
    await done;
    expect((await httpSamples(plugin))[`http_server_request_duration_seconds_count{${labels('/orders/:id', 200)}}`]).toBe(1);
    await forced.close!();
    await off.close!();
  });

  it('defines the families at start with eagerSeries, and stops recording once closed', async () => {
    plugin = await started({ eagerSeries: true });
    expect(await plugin.collector.render()).toContain('# TYPE http_server_request_duration_seconds histogram\n');
    await plugin.close!();
    const done = finished(1);
    await get(`${base}/orders/1`);
    await done;
    expect(Object.keys(await httpSamples(plugin)).filter((k) => k.includes('_count{'))).toEqual([]);
  });
});

describe('prometheus() HTTP server metrics on Express and fastify', () => {
  let plugin: Plugin;
  beforeEach(async () => {
    plugin = await started();
  });
  afterEach(() => plugin.close!());

  it("labels Express requests with the matched template under the router's mount path", async () => {
    const app = express();
    const api = express.Router();
    api.get('/orders/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/api', api);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const done = finished(3);
      expect((await get(`${base}/api/orders/7`)).status).toBe(200);
      expect((await get(`${base}/api/orders/8`)).status).toBe(200);
      expect((await get(`${base}/nowhere/12`)).status).toBe(404);
      await done;
      const values = await httpSamples(plugin);
      expect(values[`http_server_request_duration_seconds_count{${labels('/api/orders/:id', 200)}}`]).toBe(2);
      expect(values[`http_server_request_duration_seconds_count{${labels('/nowhere/:id', 404)}}`]).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("labels fastify requests with the route's URL template, known from fastify's diagnostics channel", async () => {
    const app = Fastify();
    app.get('/orders/:id', () => Promise.resolve({ ok: true }));
    app.get('/fail', () => Promise.reject(new Error('boom')));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const done = finished(3);
      expect((await get(`${base}/orders/42`)).status).toBe(200);
      expect((await get(`${base}/orders/43`)).status).toBe(200);
      expect((await get(`${base}/fail`)).status).toBe(500);
      await done;
      const values = await httpSamples(plugin);
      expect(values[`http_server_request_duration_seconds_count{${labels('/orders/:id', 200)}}`]).toBe(2);
      expect(values[`http_server_request_duration_seconds_count{${labels('/fail', 500, ',error_type="500"')}}`]).toBe(1);
    } finally {
      await app.close();
    }
  });
});
