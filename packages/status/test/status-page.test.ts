// The page over real HTTP: served by the health server through setup(), behind the /metrics token,
// streaming Server-Sent Events; and the bad inputs: unknown metrics, missing or wrong tokens, a
// browser that never reads its stream.
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createHealthServer, type HealthServer } from '@sightline/health';
import { prometheus } from '@sightline/prometheus';
import { toDispatcher } from '@sightline/core';
import { createStatusPage, type StatusPage } from '../src/index.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const TOKEN = 'page-test-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** Reads an event stream until `enough` says so; returns the events seen. */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  enough: (events: { event: string; data: unknown }[]) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  try {
    while (!enough(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}

describe('the status page through setup() and the health server', () => {
  let app: TestApp;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    app = await startTestApp({ metricsToken: TOKEN, statusOptions: { intervalMs: 100, maxPins: 2 } });
    for (let i = 0; i < 3; i++) await app.traffic();
    await app.page.page.sample();
  });
  afterAll(() => app.stop());

  test.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a wrong cookie', { cookie: 'sightline_token=nope' }],
  ])('%s: 401 on the page, its script and its stream', async (_name, headers) => {
    for (const path of ['/status', '/status/status.js', '/status/events', '/status/api/metrics']) {
      const res = await fetch(`${app.url}${path}`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
    }
    expect(app.page.page.stats().clients).toBe(0);
  });

  test('?token= sets an HttpOnly cookie and redirects to the address without it; the cookie then works', async () => {
    const res = await fetch(`${app.url}/status?token=${TOKEN}&x=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/status?x=1');
    const cookie = res.headers.get('set-cookie')!;
    // A value derived from the token, never the token itself.
    expect(cookie).toMatch(/^sightline_token=[A-Za-z0-9_-]{43}; Path=\/status; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    const page = await fetch(`${app.url}/status`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
  });

  test('the page: HTML with a Content-Security-Policy, script and style from the package, gzipped', async () => {
    const res = await fetch(`${app.url}/status`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = await res.text();
    expect(html).toContain('<script src="/status/status.js"></script>');
    expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN
    const js = await fetch(`${app.url}/status/status.js`, { headers: { ...auth, 'accept-encoding': 'gzip' } });
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(await js.text()).toContain('EventSource');
    const again = await fetch(`${app.url}/status/status.js`, { headers: { ...auth, 'if-none-match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  test('read-only: POST is 405; an unknown path under /status is 404', async () => {
    const post = await fetch(`${app.url}/status/api/pin?metric=x`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const missing = await fetch(`${app.url}/status/nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('no page at /status/nope; the status page is at /status');
  });

  test('the stream: history first, then a tick every interval with request rates and readiness', async () => {
    const events = await readEvents(`${app.url}/status/events`, auth, (ev) => ev.filter((e) => e.event === 'tick').length >= 3);
    expect(events[0]!.event).toBe('init');
    const init = events[0]!.data as { intervalMs: number; times: number[]; series: { meta: { key: string } }[] };
    expect(init.intervalMs).toBe(100);
    expect(init.times.length).toBeGreaterThan(0);
    // A request-rate series exists once two samples have seen the counter: in the history, or in a tick
    // soon after (on a loaded machine the first samples may come before it).
    const keys = new Set([
      ...init.series.map((s) => s.meta.key),
      ...events.filter((e) => e.event === 'tick').flatMap((e) => Object.keys((e.data as { v: Record<string, unknown> }).v)),
    ]);
    expect([...keys]).toEqual(expect.arrayContaining(['memory|heap', 'requests|sightline_request_duration_seconds|order.create']));
    const health = events.find((e) => e.event === 'health')!.data as { ready: boolean; checks: { name: string; status: string }[] };
    expect(health.checks).toEqual([expect.objectContaining({ name: 'database', status: 'pass' })]);
    const traces = events.find((e) => e.event === 'traces')!.data as {
      root: string;
      spans: { name: string; parent: string | null; id: string }[];
    }[];
    // The app's own scopes, beside the HTTP server spans the otel plugin records for the page's requests.
    const order = traces.find((t) => t.root === 'handle-order');
    expect(order).toBeDefined();
    const [parent, child] = order!.spans;
    expect(child!.parent).toBe(parent!.id);
    const ticks = events.filter((e) => e.event === 'tick').map((e) => e.data as { t: number; v: Record<string, number | null> });
    expect(ticks[1]!.t).toBeGreaterThan(ticks[0]!.t);
    expect(typeof ticks[0]!.v['memory|heap']).toBe('number');
  });

  test('pins: an unknown metric, unknown labels, an ambiguous choice, a bad name, too many pins', async () => {
    const pin = async (query: string) => {
      const res = await fetch(`${app.url}/status/api/pin?${query}`, { headers: auth });
      return {
        status: res.status,
        body: (await res.json()) as { error?: string; message?: string; pinned?: { key: string; chart: string } },
      };
    };
    let r = await pin('metric=sightline_request_duration_seconds_cout');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      error: 'unknown_metric',
      message:
        'no metric named "sightline_request_duration_seconds_cout" in /metrics; did you mean "sightline_request_duration_seconds_count"?',
    });
    r = await pin('metric=sightline_request_duration_seconds_count&label=op=nope');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('unknown_series');
    expect(r.body.message).toContain('sightline_request_duration_seconds_count{op="order.create"}');
    r = await pin('metric=sightline_request_duration_seconds_count');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('ambiguous_series');
    r = await pin('metric=1bad');
    expect(r).toEqual({
      status: 400,
      body: { error: 'invalid_metric_name', message: '"1bad" is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' },
    });
    r = await pin('metric=x&labels=[1]');
    expect(r.body.error).toBe('invalid_labels');
    r = await pin('');
    expect(r.body.error).toBe('missing_metric');

    r = await pin('metric=sightline_request_duration_seconds_count&label=op=order.create');
    expect(r.status).toBe(200);
    expect(r.body.pinned!.chart).toBe('pin:sightline_request_duration_seconds_count{op="order.create"}');
    r = await pin(`metric=sightline_request_duration_seconds_count&labels=${encodeURIComponent('{"op":"order.get"}')}`);
    expect(r.status).toBe(200);
    r = await pin('metric=sightline_request_duration_seconds_sum&label=op=order.create');
    expect(r).toEqual({
      status: 409,
      body: { error: 'too_many_pins', message: 'at most 2 metrics can be pinned at once; unpin one first' },
    });

    // The pinned series is charted from the next samples, as a rate.
    for (let i = 0; i < 3; i++) {
      await app.traffic();
      await app.page.page.sample();
    }
    const list = (await (await fetch(`${app.url}/status/api/pins`, { headers: auth })).json()) as { pins: { key: string }[] };
    expect(list.pins.map((p) => p.key)).toEqual([
      'pin|sightline_request_duration_seconds_count{op="order.create"}',
      'pin|sightline_request_duration_seconds_count{op="order.get"}',
    ]);
    const unpin = await fetch(
      `${app.url}/status/api/unpin?series=${encodeURIComponent('sightline_request_duration_seconds_count{op="order.get"}')}`,
      { headers: auth },
    );
    expect(unpin.status).toBe(200);
    expect(app.page.page.stats().pins).toBe(1);
    const notPinned = await fetch(`${app.url}/status/api/unpin?series=x`, { headers: auth });
    expect(notPinned.status).toBe(404);
  });

  test('the metric list for the picker names every series of /metrics', async () => {
    const body = (await (await fetch(`${app.url}/status/api/metrics`, { headers: auth })).json()) as {
      metrics: { name: string; type: string; series: Record<string, string>[] }[];
    };
    const count = body.metrics.find((m) => m.name === 'sightline_request_duration_seconds_count')!;
    expect(count.type).toBe('histogram');
    expect(count.series).toEqual(expect.arrayContaining([{ op: 'order.create' }, { op: 'order.get' }]));
  });
});

describe('the page mounted on its own, with bounded clients', () => {
  let server: HealthServer;
  let page: StatusPage;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const plugin = prometheus();
    const hooks = toDispatcher(plugin.hooks);
    // Many series, so every tick is a few kilobytes.
    for (let i = 0; i < 60; i++) hooks.onRequest(`op-${i}`, 0.01);
    page = createStatusPage({ metrics: plugin.metrics, auth: 'none', intervalMs: 20, maxClients: 3, maxClientBufferBytes: 64 * 1024 });
    server = await createHealthServer({ port: 0, host: '127.0.0.1', signals: [], env: {}, routes: [page.route], ready: true });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await server.close();
  });

  test('a client that never reads its stream is disconnected once 64 kB wait unread; nothing grows', async () => {
    const { port } = server;
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /status/events HTTP/1.1\r\nHost: x\r\n\r\n');
    // Never read: pause, so the kernel buffers fill and then the server's.
    socket.pause();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await waitFor(() => page.stats().clients === 1);
    await waitFor(() => page.stats().slowClientsDisconnected === 1, 60_000);
    expect(page.stats().clients).toBe(0);
    socket.resume();
    await closed;
    // The page keeps sampling, with nothing left behind for the dropped client.
    const before = page.stats();
    await waitFor(() => page.stats().ticks > before.ticks);
    const after = page.stats();
    expect(after.series).toBe(before.series);
    expect(after.clients).toBe(0);
  }, 90_000);

  test('past maxClients a browser gets 503', async () => {
    const controllers: AbortController[] = [];
    for (let i = 0; i < 3; i++) {
      const c = new AbortController();
      controllers.push(c);
      const res = await fetch(`${server.url}/status/events`, { signal: c.signal });
      expect(res.status).toBe(200);
    }
    const refused = await fetch(`${server.url}/status/events`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe('too_many_clients');
    expect(page.stats().refusedClients).toBe(1);
    for (const c of controllers) c.abort();
    await waitFor(() => page.stats().clients === 0);
  });

  test('closing the server ends the streams instead of waiting on them', async () => {
    const other = createStatusPage({ auth: 'none', intervalMs: 50 });
    const s = await createHealthServer({ port: 0, host: '127.0.0.1', signals: [], env: {}, routes: [other.route] });
    const res = await fetch(`${s.url}/status/events`);
    const reader = res.body!.getReader();
    await reader.read();
    // Resolves only because the stream was ended: a close that waited on it would never finish.
    await s.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(other.stats().clients).toBe(0);
  });

  test('close() on a page mounted in a plain node:http server ends its streams; a second call is the same promise', async () => {
    const own = createStatusPage({ auth: 'none', intervalMs: 50 });
    const plain = createServer((req, res) => own.handle(req, res));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/status/events`);
      const reader = res.body!.getReader();
      await reader.read();
      expect(own.stats().clients).toBe(1);
      const closing = own.close();
      expect(own.close()).toBe(closing);
      await closing;
      let done = false;
      while (!done) done = (await reader.read()).done;
      expect(own.stats().clients).toBe(0);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  test('mounted in a plain node:http server: other paths go to next()', () => {
    const nexts: string[] = [];
    const res = {
      writeHead: () => res,
      end: () => undefined,
      setHeader: () => undefined,
    };
    page.handle({ url: '/elsewhere', method: 'GET', headers: {} } as never, res as never, () => nexts.push('next'));
    expect(nexts).toEqual(['next']);
  });
});
