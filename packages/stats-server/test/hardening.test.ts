// Hostile and careless peers, one small reproduction per case: each failed before the server bounded it.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { type LogRecord } from '@sightline/core';
import { combineMetricsSources, formatLogLine, renderMetrics } from '@sightline/core/internal';
import { registrySource } from '@sightline/prometheus';
import { encodeBatch, newBatchId } from '@sightline/stats-protocol';
import { Counter, Registry } from 'prom-client';
import { createStatsServer, type StatsServer, type StatsServerAddress, type StatsServerOptions } from '../src/index.js';
import { captureLogs, httpRequest, postBatch, sendTcp, sendUdp, sign, waitFor, WsTestClient, started } from './helpers.js';

const SECRET = 'hardening';
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

let server: StatsServer | undefined;
let logs: ReturnType<typeof captureLogs>;

async function start(options: Partial<StatsServerOptions> = {}): Promise<StatsServerAddress> {
  server = createStatsServer({ port: 0, secrets: SECRET, statsd: { udpPort: 0, tcpPort: 0 }, ...options });
  return started(server);
}

beforeEach(() => {
  logs = captureLogs('warn');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  logs.restore();
});

async function scrape(address: StatsServerAddress): Promise<{ status: number; text: string }> {
  const res = await httpRequest(address.url, undefined, { path: '/metrics' });
  return { status: res.status, text: res.text };
}

describe('1. names that are Object.prototype keys are ordinary data', () => {
  it('a gauge, set and histogram per name over UDP, and a signed batch: /metrics 200 and /v1/snapshot shows each', async () => {
    const address = await start();
    for (const name of PROTO_NAMES) await sendUdp(address.statsdUdpPort!, `${name}:1|g`);
    await waitFor(() => server!.snapshot().server.statsdLines === PROTO_NAMES.length);
    const res = await postBatch(
      address.url,
      {
        v: 1,
        metrics: PROTO_NAMES.flatMap((name) => [
          { type: 'set', name: `s.${name}`, values: [name] },
          { type: 'histogram', name: `h.${name}`, values: [1], tags: { [name]: name } },
          { type: 'counter', name: `c.${name}`, value: 2 },
        ]),
      },
      { secret: SECRET },
    );
    expect(res.json).toEqual({ accepted: PROTO_NAMES.length * 3, rejected: 0, errors: [] });

    const metrics = await scrape(address);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('\nstats___proto__ 1\n');
    expect(metrics.text).toContain('\nstats_constructor 1\n');
    expect(metrics.text).toContain('\nstats_c_hasOwnProperty_total 2\n');
    expect(metrics.text).toContain('stats_h_constructor_count{constructor="constructor"} 1\n');
    expect(metrics.text).toContain('stats_h___proto___count{tag___proto__="__proto__"} 1\n');

    const snapshot = (await httpRequest(address.url, undefined, { path: '/v1/snapshot' })).json as Record<string, Record<string, unknown>>;
    for (const name of PROTO_NAMES) {
      expect(Object.keys(snapshot.gauges!)).toContain(name);
      expect(snapshot.gauges![name]).toBe(1);
      expect(snapshot.counters![`c.${name}`]).toBe(2);
      expect(snapshot.sets![`s.${name}`]).toBe(1);
    }
  });
});

describe('2. lengths are bounded at ingest, the exposition in size', () => {
  it('600 histogram lines over TCP with 60 KB tag values: dropped and counted, /metrics stays small', async () => {
    const address = await start({ maxTcpLineLength: 100_000 });
    const lines = Array.from({ length: 600 }, (_, i) => `big.h:${i}|h|#k${i}:${'v'.repeat(60_000)}\n`);
    await sendTcp(address.statsdTcpPort!, ...lines);
    await waitFor(() => server!.snapshot().server.statsdBadLines === 600);
    expect(server!.snapshot().server.rejected.tag_length).toBe(600);
    const metrics = await scrape(address);
    expect(metrics.status).toBe(200);
    expect(metrics.text.length).toBeLessThan(20_000);
    expect(metrics.text).toContain('sightline_stats_server_rejected_total{reason="tag_length"} 600');
  });

  it('drops names and tag keys past their bounds', () => {
    server = createStatsServer({ port: 0, secrets: SECRET, maxNameLength: 10, maxTagKeyLength: 3, maxTags: 2 });
    server.ingestStatsd('abcdefghijk:1|c\nok:1|c|#long:v\nok:1|c|#a:1,b:2,c:3\nok:1|c|#a:1');
    const s = server.snapshot();
    expect(s.counters).toEqual({ 'ok{a=1}': 1 });
    expect([s.server.rejected.name_length, s.server.rejected.tag_length, s.server.rejected.too_many_tags]).toEqual([1, 1, 1]);
  });

  it('the rendered exposition is bounded by the memory budget', async () => {
    const budget = 2 * 1024 * 1024;
    const address = await start({ maxMemoryBytes: budget, maxSeries: 1_000_000 });
    const tag = 'x'.repeat(1000);
    for (let i = 0; i < 5000; i += 500) {
      server!.ingestStatsd(Array.from({ length: 500 }, (_, j) => `wide:${j}|h|#id:${i + j}${tag}`).join('\n'));
    }
    const s = server!.snapshot().server;
    expect(s.rejected.memory_budget).toBeGreaterThan(0);
    expect(s.statsdLines + s.statsdBadLines).toBe(5000);
    expect(s.memoryBytes).toBeLessThanOrEqual(budget);
    const metrics = await scrape(address);
    expect(metrics.status).toBe(200);
    expect(Buffer.byteLength(metrics.text)).toBeLessThan(budget);
  });
});

describe('3. memory is bounded in bytes', () => {
  it('10,000 set members of 60,000 characters: dropped and counted', () => {
    server = createStatsServer({ port: 0, secrets: SECRET });
    const member = 'm'.repeat(59_990);
    for (let i = 0; i < 10_000; i++) server.ingestStatsd(`huge.set:${member}${String(i).padStart(10, '0')}|s`);
    const s = server.snapshot();
    expect(s.server.setMembersDropped).toBe(10_000);
    expect(s.server.rejected.set_member_length).toBe(10_000);
    expect(s.server.memoryBytes).toBeLessThan(1024 * 1024);
  });

  it('members within the length bound stop at the memory budget, counted', () => {
    const budget = 1024 * 1024;
    server = createStatsServer({ port: 0, secrets: SECRET, maxMemoryBytes: budget, maxSetMembers: 1_000_000 });
    for (let i = 0; i < 2000; i++) server.ingestStatsd(`users:${'u'.repeat(1000)}${i}|s`);
    const s = server.snapshot();
    expect(s.server.memoryBytes).toBeLessThanOrEqual(budget);
    expect(s.server.setMembersDropped).toBeGreaterThan(0);
    expect(s.sets.users! + s.server.setMembersDropped).toBe(2000);
    expect(s.server.rejected.memory_budget).toBe(s.server.setMembersDropped);
  });

  it('a store that fills its share of the budget still takes batches updating the series it holds', async () => {
    const budget = 1024 * 1024;
    const address = await start({ maxMemoryBytes: budget, maxSeries: 1_000_000 });
    expect(
      (await postBatch(address.url, { v: 1, metrics: [{ type: 'counter', name: 'kept', value: 1 }] }, { secret: SECRET })).status,
    ).toBe(200);
    for (let i = 0; server!.snapshot().server.rejected.memory_budget === 0; i++) {
      server!.ingestStatsd(Array.from({ length: 100 }, (_, j) => `fill:1|c|#id:${i * 100 + j}${'x'.repeat(500)}`).join('\n'));
    }
    expect(server!.snapshot().server.memoryBytes).toBeLessThanOrEqual(budget * 0.75);
    const res = await postBatch(address.url, { v: 1, metrics: [{ type: 'counter', name: 'kept', value: 1 }] }, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(server!.snapshot().counters.kept).toBe(2);
  });
});

describe('4. received metrics live in their own namespace', () => {
  it("a UDP line cannot merge into the application's http_requests_total", async () => {
    const address = await start();
    const registry = new Registry();
    const own = new Counter({
      name: 'http_requests_total',
      help: 'app requests',
      labelNames: ['endpoint', 'method', 'status'],
      registers: [registry],
    });
    own.inc({ endpoint: '/orders/:id', method: 'GET', status: '200' }, 10);
    await sendUdp(address.statsdUdpPort!, 'http_requests:100000|c|#endpoint:/orders/:id,method:GET,status:500');
    await waitFor(() => server!.snapshot().server.statsdLines === 1);
    const { body } = await renderMetrics(combineMetricsSources(registrySource(registry), server!.metrics), undefined);
    expect(body.match(/^# HELP http_requests_total /gm)).toHaveLength(1);
    expect(body).toContain('http_requests_total{endpoint="/orders/:id",method="GET",status="200"} 10\n');
    expect(body).not.toMatch(/^http_requests_total\{[^}]*status="500"/m);
    expect(body).toContain('stats_http_requests_total{endpoint="/orders/:id",method="GET",status="500"} 100000\n');
  });

  it('without a prefix, a colliding family is detected, reported and rendered once', async () => {
    await start({ metricPrefix: '' });
    const registry = new Registry();
    new Counter({ name: 'http_requests_total', help: 'app requests', registers: [registry] }).inc(3);
    server!.ingestStatsd('http_requests:100000|c');
    const { body } = await renderMetrics(combineMetricsSources(registrySource(registry), server!.metrics), undefined);
    expect(body.match(/^# HELP http_requests_total /gm)).toHaveLength(1);
    expect(body).toContain('\nhttp_requests_total 3\n');
    expect(body).not.toContain('100000');
    expect(logs.records.map((r) => r.message).join('\n')).toContain('http_requests_total');
  });
});

describe('5. every input class gives a valid exposition, what is dropped counted', () => {
  it('negative timers, NaN-making rates, name clashes between kinds; a decrement makes an up/down counter', () => {
    server = createStatsServer({ port: 0, secrets: SECRET });
    server.ingestStatsd(
      [
        'x:1|h',
        'x_sum:1|g',
        'x_count:1|s',
        'x_bucket:1|c', // clash with histogram x
        't:1|ms',
        't_seconds_bucket:1|g', // clash with timer t
        'y:1|c',
        'y:1|g', // counter and gauge y
        'down:-3|c', // a decrement: applied, the counter becomes an up/down counter
        'neg:-5|ms', // negative timer
        'nan:1|c|@5e-324', // infinite increment
        'ok:1|c',
      ].join('\n'),
    );
    const s = server.snapshot();
    expect(s.server.rejected).toMatchObject({ name_clash: 5, negative_observation: 1, non_finite: 1 });
    expect(s.server.statsdLines).toBe(5);
    expect(s.counters).toEqual({ y: 1, ok: 1, down: -3 });
  });

  it('sampled timers count whole observations, carrying the fraction', () => {
    server = createStatsServer({ port: 0, secrets: SECRET, buckets: { timer: [1] } });
    for (let i = 0; i < 3; i++) server.ingestStatsd('lat:5|ms|@0.3');
    // 3.33 + 3.33 + 3.33 = 10 observations, never a fraction of one.
    expect(server.snapshot().timers.lat).toEqual({ count: 10, sum: 50, min: 5, max: 5 });
  });
});

/** Opens a raw connection and writes `text`; resolves with what the server answered once it closes. */
function raw(port: number, text: string): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write(text);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const answer = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', () => undefined);
  });
  return { socket, answer };
}

describe('6. nothing is buffered before the headers are checked; connections and time are bounded', () => {
  it('answers 401 to junk signature headers without waiting for the body', async () => {
    const address = await start();
    const { answer } = raw(
      address.port,
      `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\nX-Sightline-Timestamp: ${Date.now()}\r\nX-Sightline-Signature: junk\r\n\r\n`,
    );
    expect(await answer).toMatch(/^HTTP\/1.1 401 /);
  });

  it('answers 401 to a stale timestamp without waiting for the body', async () => {
    const address = await start();
    const stale = String(Date.now() - 3_600_000);
    const { answer } = raw(
      address.port,
      `POST /v1/batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Sightline-Timestamp: ${stale}\r\nX-Sightline-Signature: v1=${'0'.repeat(64)}\r\n\r\n10\r\n`,
    );
    expect(await answer).toMatch(/^HTTP\/1.1 401 /);
  });

  it('answers 408 when the body does not arrive within requestTimeoutMs', async () => {
    const address = await start({ requestTimeoutMs: 500 });
    const { answer } = raw(
      address.port,
      `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-Sightline-Timestamp: ${Date.now()}\r\nX-Sightline-Signature: v1=${'a'.repeat(64)}\r\n\r\n{"v":1`,
    );
    expect(await answer).toMatch(/^HTTP\/1.1 408 /);
    expect(server!.snapshot().server.requestsTimedOut).toBe(1);
  });

  it('answers 408 when the headers do not arrive within requestTimeoutMs', async () => {
    const address = await start({ requestTimeoutMs: 500 });
    const { answer } = raw(address.port, 'POST /v1/batch HTTP/1.1\r\nHost: x\r\n');
    expect(await answer).toMatch(/^HTTP\/1.1 408 /);
  });

  it('idle connections holding every slot make room: a signed batch and a scrape get through, the oldest idle one closed and counted', async () => {
    const address = await start({ maxConnections: 3 });
    const idle = Array.from({ length: 3 }, () => raw(address.port, ''));
    await Promise.all(idle.map(({ socket }) => once(socket, 'connect')));
    // On a connection of its own (no keep-alive), so it needs a slot.
    const close = { connection: 'close' };
    expect((await postBatch(address.url, { v: 1, metrics: [] }, { secret: SECRET, headers: close })).status).toBe(200);
    await idle[0]!.answer;
    expect([idle[1]!.socket.destroyed, idle[2]!.socket.destroyed]).toEqual([false, false]);
    expect(server!.snapshot().server).toMatchObject({ connectionsEvicted: 1, connectionsRefused: 0 });
    // The batch's connection has closed again: the scrape takes its slot, or an idle one.
    expect((await httpRequest(address.url, undefined, { path: '/metrics', headers: close })).status).toBe(200);
    expect(server!.snapshot().server.connectionsRefused).toBe(0);
    for (const { socket } of idle) socket.destroy();
  });

  it('when every slot has a request under way, a new connection is closed at once and counted', async () => {
    const address = await start({ maxConnections: 2 });
    // Headers in, body not: each connection has a request under way (Node answers 100 Continue once it has the headers).
    const busy = Array.from({ length: 2 }, () => {
      const socket = connect(address.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\nX-Sightline-Timestamp: ${Date.now()}\r\nX-Sightline-Signature: v1=${'a'.repeat(64)}\r\n\r\n`,
      );
      return socket;
    });
    await Promise.all(busy.map((socket) => once(socket, 'data')));
    const extra = raw(address.port, '');
    expect(await extra.answer).toBe('');
    expect(server!.snapshot().server).toMatchObject({ connectionsRefused: 1, connectionsEvicted: 0 });
    for (const socket of busy) socket.destroy();
  });

  it('reserves bodies from the memory budget: 503 when it is full', async () => {
    const address = await start({ maxMemoryBytes: 64 * 1024, maxBodyBytes: 1024 * 1024 });
    const body = JSON.stringify({ v: 1, metrics: [{ type: 'gauge', name: 'g', value: 1, tags: { pad: 'p'.repeat(100_000) } }] });
    const res = await postBatch(address.url, body, { secret: SECRET });
    expect(res.status).toBe(503);
    expect(server!.snapshot().server.batchesUnavailable).toBe(1);
    expect(server!.snapshot().server.memoryBytes).toBe(0);
  });
});

describe('7. a signed batch is applied once', () => {
  it('the same request replayed over HTTP is refused with 409 and counted once', async () => {
    const address = await start();
    const body = encodeBatch([{ type: 'counter', name: 'orders', value: 100 }], newBatchId());
    const timestamp = String(Date.now());
    const headers = { 'x-sightline-timestamp': timestamp, 'x-sightline-signature': sign(SECRET, timestamp, body) };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await postBatch(address.url, body, { headers })).status);
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    expect(server!.snapshot().counters.orders).toBe(100);
    expect(server!.snapshot().server.batchesReplayed).toBe(4);
  });

  it('the same frame replayed over WebSocket is refused with 409, and so is the same id re-signed', async () => {
    const address = await start();
    const ws = await WsTestClient.open(address.wsUrl);
    const body = encodeBatch([{ type: 'counter', name: 'orders', value: 100 }], 'batch-0001');
    const timestamp = String(Date.now());
    const frame = { id: 1, timestamp, signature: sign(SECRET, timestamp, body), body };
    expect((await ws.sendRaw(JSON.stringify(frame), 1)).status).toBe(200);
    expect((await ws.sendRaw(JSON.stringify({ ...frame, id: 2 }), 2)).status).toBe(409);
    expect((await ws.send(body, SECRET, { id: 3 })).status).toBe(409);
    await ws.close();
    expect(server!.snapshot().counters.orders).toBe(100);
  });

  it('a batch without an id (an older client) is known by its signature', async () => {
    const address = await start();
    const body = encodeBatch([{ type: 'counter', name: 'legacy', value: 1 }]);
    const timestamp = String(Date.now());
    const headers = { 'x-sightline-timestamp': timestamp, 'x-sightline-signature': sign(SECRET, timestamp, body) };
    expect((await postBatch(address.url, body, { headers })).status).toBe(200);
    expect((await postBatch(address.url, body, { headers })).status).toBe(409);
    // Signed again (a new timestamp), the same metrics are a new batch.
    expect((await postBatch(address.url, body, { secret: SECRET, timestamp: String(Date.now() + 1) })).status).toBe(200);
    expect(server!.snapshot().counters.legacy).toBe(2);
  });
});

describe('8. log hygiene', () => {
  it('a bad line with ESC, NUL and BEL is logged escaped', async () => {
    const address = await start();
    await sendUdp(address.statsdUdpPort!, 'evil\u001b[2J\u0000\u0007:1|zz');
    await waitFor(() => server!.snapshot().server.statsdBadLines === 1);
    const record = logs.records.find((r: LogRecord) => r.message.startsWith('bad StatsD line'));
    expect(record).toBeDefined();
    const line = formatLogLine(record!);
    // eslint-disable-next-line no-control-regex
    expect(line.replace(/\n$/, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(line).toContain('evil');
  });
});
