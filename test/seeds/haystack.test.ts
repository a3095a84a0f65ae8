// The haystack-py observability seed (../shared/seeds/000_*.txt), its examples ported line for line
// to @sightline/core and @sightline/ws and run against real loopback servers and clients: what the
// seed says they print, count and log. `print` collects what the seed's print() would write.
import { once } from 'node:events';
import WebSocket from 'ws';
import { Counter, Histogram, Registry } from '../../packages/prometheus/node_modules/prom-client';
import {
  configureLogging,
  defineHooks,
  getLogger,
  setLogLevel,
  setLogSink,
  type LogRecord,
  type MetricsHooks,
} from '../../packages/core/src/index';
import { formatLogLine, resetLogging } from '../../packages/core/src/internal';
import { createStatsServer } from '../../packages/stats-server/src/index';
import { StatsClient } from '../../packages/stats/src/index';
import { createWsServer, WsClient, type WsServer } from '../../packages/ws/src/index';

const SECRET = 'seed-000-secret';

/** A deferred that resolves the first time `resolve` is called. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A raw `ws` peer: the frames it sends and receives are the bytes on the wire. */
async function rawRequest(socket: WebSocket, frame: string): Promise<Buffer> {
  const reply = once(socket, 'message') as Promise<[Buffer]>;
  socket.send(frame);
  return (await reply)[0];
}

const handlers = {
  read: (payload: unknown) => ({ rows: [{ id: '@p1', dis: String(payload) }] }),
  fail: () => {
    throw new RangeError('no such point');
  },
};

// What the packages log goes to `logged`, not to the test's stderr; tests that read records set their own sink.
let logged: LogRecord[] = [];
beforeEach(() => {
  logged = [];
  setLogSink((r) => logged.push(r));
});
afterEach(() => resetLogging({}));

describe('Metrics Hooks: the six optional callbacks', () => {
  it('prints what the seed prints, with the exact byte counts of the frames on the wire', async () => {
    const printed: string[] = [];
    const print = (line: string) => printed.push(line);
    const disconnected = signal();

    // hooks = MetricsHooks(on_ws_connect=lambda addr: print(f"Connected: {addr}"), ...)
    const hooks = defineHooks({
      onWsConnect: (addr) => print(`Connected: ${addr}`),
      onWsDisconnect: (addr) => {
        print(`Disconnected: ${addr}`);
        disconnected.resolve();
      },
      onWsMessageSent: (op, size) => print(`Sent ${op}: ${size} bytes`),
      onWsMessageRecv: (op, size) => print(`Recv ${op}: ${size} bytes`),
      onRequest: (op, duration) => print(`${op} took ${duration.toFixed(3)}s`),
      onError: (op, errType) => print(`${op} failed: ${errType}`),
    });
    // "MetricsHooks is a frozen dataclass"
    expect(Object.isFrozen(hooks)).toBe(true);

    const server = await createWsServer({ port: 0, handlers, hooks });
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}`);
    await once(socket, 'open');
    const clientAddr = `127.0.0.1:${(socket as unknown as { _socket: { localPort: number } })._socket.localPort}`;

    const readFrame = JSON.stringify({ id: 1, op: 'read', payload: 'point' });
    const readReply = await rawRequest(socket, readFrame);
    const failFrame = JSON.stringify({ id: 2, op: 'fail' });
    const failReply = await rawRequest(socket, failFrame);
    expect(JSON.parse(failReply.toString('utf8'))).toEqual({
      id: 2,
      ok: false,
      error: { type: 'RangeError', message: 'no such point' },
    });
    socket.close();
    await disconnected.promise;
    await server.close();

    expect(printed[0]).toBe(`Connected: ${clientAddr}`);
    expect(printed[1]).toBe(`Recv read: ${Buffer.byteLength(readFrame)} bytes`);
    expect(printed[2]).toMatch(/^read took \d+\.\d{3}s$/);
    expect(printed.slice(3)).toEqual([
      `Sent read: ${readReply.length} bytes`,
      `Recv fail: ${Buffer.byteLength(failFrame)} bytes`,
      'fail failed: RangeError',
      `Sent fail: ${failReply.length} bytes`,
      `Disconnected: ${clientAddr}`,
    ]);
    // ERROR: handler exceptions.
    expect(logged.filter((r) => r.level === 'error').map((r) => `${r.logger} ${r.message} ${String(r.fields?.errorType)}`)).toEqual([
      'sightline.ws_server handler failed RangeError',
    ]);
  });

  it('all hooks are optional; a hook that raises is logged at debug and suppressed', async () => {
    const records: LogRecord[] = [];
    setLogSink((r) => records.push(r));
    setLogLevel('sightline.hooks', 'debug');
    const hooks = defineHooks({
      onRequest: () => {
        throw new Error('hook bug');
      },
    });
    const server = await createWsServer({ port: 0, handlers, hooks });
    await using ws = await WsClient.connect(`ws://127.0.0.1:${server.port}`, { hooks });
    // The transport is not disrupted: the request gets its reply.
    await expect(ws.request('read', 'point')).resolves.toEqual({ rows: [{ id: '@p1', dis: 'point' }] });
    await ws.close();
    await server.close();
    const hookLines = records.filter((r) => r.logger === 'sightline.hooks');
    expect(hookLines.length).toBeGreaterThanOrEqual(2); // the server's and the client's onRequest
    expect(hookLines.every((r) => r.level === 'debug' && r.message === 'hook onRequest threw; suppressed')).toBe(true);
    expect(hookLines[0]!.fields).toMatchObject({ hook: 'onRequest', error: 'Error: hook bug' });
  });
});

describe('Using with WebSocket Client', () => {
  it('feeds a stats client: connect and disconnect counts, send and receive byte histograms', async () => {
    await using statsServer = createStatsServer({ port: 0, secrets: [SECRET] });
    await statsServer.start();
    const stats = new StatsClient({ protocol: 'http', destPort: statsServer.address().port, secret: SECRET, flushIntervalMs: 0 });
    const serverSeen: number[] = [];
    const server = await createWsServer({
      port: 0,
      handlers,
      hooks: { onWsMessageRecv: (_op, size) => serverSeen.push(size), onWsMessageSent: (_op, size) => serverSeen.push(size) },
    });

    // hooks = MetricsHooks(on_ws_connect=lambda addr: stats.incr("ws.connect"), ...)
    const hooks = defineHooks({
      onWsConnect: () => stats.incr('ws.connect'),
      onWsDisconnect: () => stats.incr('ws.disconnect'),
      onWsMessageSent: (_op, size) => stats.histogram('ws.send_bytes', size),
      onWsMessageRecv: (_op, size) => stats.histogram('ws.recv_bytes', size),
    });

    // async with WebSocketClient("ws://host/api/ws", metrics=hooks) as ws: await ws.read("point")
    {
      await using ws = await WsClient.connect(`ws://127.0.0.1:${server.port}/api/ws`, { hooks });
      await ws.request('read', 'point');
    }
    await server.close();
    await stats.close();

    const [requestBytes, replyBytes] = serverSeen;
    const snap = statsServer.snapshot();
    expect(snap.counters['ws.connect']).toBe(1);
    expect(snap.counters['ws.disconnect']).toBe(1);
    // What the client sent is what the server received, byte for byte, and the other way round.
    expect(snap.histograms['ws.send_bytes']).toEqual({ count: 1, sum: requestBytes, min: requestBytes, max: requestBytes });
    expect(snap.histograms['ws.recv_bytes']).toEqual({ count: 1, sum: replyBytes, min: replyBytes, max: replyBytes });
  });
});

describe('Prometheus Example', () => {
  it('counts connections, observes durations by op and counts errors by op', async () => {
    const registry = new Registry();
    const REQUEST_DURATION = new Histogram({
      name: 'haystack_request_seconds',
      help: 'Haystack op duration',
      labelNames: ['op'],
      registers: [registry],
    });
    const REQUEST_ERRORS = new Counter({
      name: 'haystack_request_errors_total',
      help: 'Haystack op errors',
      labelNames: ['op'],
      registers: [registry],
    });
    const WS_CONNECTIONS = new Counter({ name: 'haystack_ws_connections_total', help: 'WebSocket connections', registers: [registry] });

    const hooks: MetricsHooks = defineHooks({
      onWsConnect: () => WS_CONNECTIONS.inc(),
      onRequest: (op, dur) => REQUEST_DURATION.labels({ op }).observe(dur),
      onError: (op) => REQUEST_ERRORS.labels({ op }).inc(),
    });

    const server = await createWsServer({ port: 0, handlers });
    {
      await using ws = await WsClient.connect(`ws://127.0.0.1:${server.port}`, { hooks });
      await ws.request('read', 'point');
      await ws.request('read', 'point');
      await expect(ws.request('fail')).rejects.toThrow('no such point');
    }
    await server.close();

    const text = await registry.metrics();
    expect(text).toContain('haystack_ws_connections_total 1\n');
    expect(text).toContain('haystack_request_seconds_count{op="read"} 2\n');
    expect(text).toContain('haystack_request_errors_total{op="fail"} 1\n');
  });
});

describe('Logging', () => {
  /** Runs one client request against a server and returns the records every logger wrote. */
  async function traffic(): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    setLogSink((r) => records.push(r));
    const server: WsServer = await createWsServer({ port: 0, handlers });
    {
      await using ws = await WsClient.connect(`ws://127.0.0.1:${server.port}`);
      await ws.request('read', 'point');
    }
    await server.close();
    return records;
  }

  it('Quick Setup: level INFO and one line per record with time, name, level and message', () => {
    // logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    const lines: string[] = [];
    configureLogging({ levels: { '': 'info' }, sink: (r) => lines.push(formatLogLine(r)) });
    getLogger('sightline.ws').info('connection opened');
    getLogger('sightline.ws').debug('hidden at INFO');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}sightline\.ws connection opened$/);
  });

  it('Logger Hierarchy: the WebSocket loggers are sightline.ws, sightline.ws_client and sightline.ws_server', async () => {
    setLogLevel('', 'info');
    const records = await traffic();
    const byLogger = (name: string) => records.filter((r) => r.logger === name).map((r) => r.message);
    expect(new Set(records.map((r) => r.logger))).toEqual(new Set(['sightline.ws', 'sightline.ws_client', 'sightline.ws_server']));
    // hs_py.ws: connection lifecycle; hs_py.ws_client: client events; hs_py.ws_server: server events.
    expect(byLogger('sightline.ws')).toEqual(expect.arrayContaining(['connection opened', 'connection closed']));
    expect(byLogger('sightline.ws_client')).toEqual(['client closed']);
    expect(byLogger('sightline.ws_server')).toEqual(['server listening', 'server closed']);
  });

  it('Targeted Logging: quieting sightline.ws leaves the client and server logging', async () => {
    setLogLevel('', 'info');
    // logging.getLogger("hs_py.client").setLevel(logging.DEBUG): the client here is the WS client.
    setLogLevel('sightline.ws_client', 'debug');
    // Quiet the WebSocket heartbeat chatter: logging.getLogger("hs_py.ws").setLevel(logging.WARNING)
    setLogLevel('sightline.ws', 'warn');
    const records = await traffic();
    expect(records.filter((r) => r.logger === 'sightline.ws')).toEqual([]);
    expect(records.filter((r) => r.logger === 'sightline.ws_client').map((r) => r.message)).toEqual(['client closed']);
    expect(records.filter((r) => r.logger === 'sightline.ws_server').map((r) => r.message)).toEqual(['server listening', 'server closed']);
  });

  it('the former child names still set levels: sightline.ws.server=silent quiets the server logger', async () => {
    configureLogging({ spec: 'info,sightline.ws.server=silent' });
    const records = await traffic();
    expect(records.filter((r) => r.logger === 'sightline.ws_server')).toEqual([]);
    expect(records.filter((r) => r.logger === 'sightline.ws_client').map((r) => r.message)).toEqual(['client closed']);
  });

  it('Log Levels: DEBUG shows frame contents; INFO shows the connection lifecycle', async () => {
    setLogLevel('sightline.ws', 'debug');
    const records = await traffic();
    const ws = records.filter((r) => r.logger === 'sightline.ws');
    expect(ws.find((r) => r.message === 'frame sent')?.fields).toMatchObject({ side: 'client', op: 'read' });
    expect(ws.find((r) => r.message === 'frame received')?.fields).toMatchObject({ side: 'server', op: 'read' });
    expect(ws.filter((r) => r.level === 'info').map((r) => r.message)).toEqual(
      expect.arrayContaining(['connection opened', 'connection closed']),
    );
  });
});
