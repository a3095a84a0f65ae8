// The server against plain `ws` clients on loopback: what goes over the wire, and what the hooks say.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createServer } from 'node:http';
import diagnosticsChannel from 'node:diagnostics_channel';
import { once } from 'node:events';
import WebSocket from 'ws';
import { createWsServer, type WsConnection, type WsServer } from '../../src/index.js';
import { captureLogs, rawClient, recordingHooks, waitFor } from '../helpers.js';

class OutOfStockError extends Error {}

let logs: ReturnType<typeof captureLogs>;
const servers: WsServer[] = [];
const clients: Array<{ close(): Promise<void> }> = [];

beforeEach(() => {
  logs = captureLogs('debug');
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  logs.restore();
});

async function start(options: Partial<Parameters<typeof createWsServer>[0]> = {}) {
  const rec = recordingHooks();
  const server = await createWsServer({
    port: 0,
    host: '127.0.0.1',
    hooks: rec.hooks,
    handlers: {
      add: (p) => {
        const { a, b } = p as { a: number; b: number };
        return a + b;
      },
      upper: async (p) => {
        await nextTurn(); // answers on a later turn of the event loop, as a handler doing I/O would
        return String(p).toUpperCase();
      },
      nothing: () => undefined,
      reserve: () => {
        throw new OutOfStockError('sku 42 is out of stock');
      },
      rejectAsync: () => Promise.reject(new RangeError('quantity must be at least 1')),
      bigint: () => 10n,
      whoami: (_p, conn) => conn.remoteAddr,
    },
    ...options,
  });
  servers.push(server);
  return { server, rec, url: `ws://127.0.0.1:${server.port}` };
}

async function connect(url: string, options?: WebSocket.ClientOptions) {
  const c = await rawClient(url, options);
  clients.push(c);
  return c;
}

describe('createWsServer: requests and replies', () => {
  it('answers several ops, sync and async, with the request id', async () => {
    const { url } = await start();
    const c = await connect(url);
    c.send(JSON.stringify({ id: 1, op: 'add', payload: { a: 2, b: 3 } }));
    c.send(JSON.stringify({ id: 'two', op: 'upper', payload: 'héllo' }));
    c.send(JSON.stringify({ id: 3, op: 'nothing' }));
    await waitFor(() => c.received.length === 3, '3 replies');
    const replies = c.json().sort((x, y) => String(x.id).localeCompare(String(y.id)));
    expect(replies).toEqual([
      { id: 1, ok: true, result: 5 },
      { id: 3, ok: true },
      { id: 'two', ok: true, result: 'HÉLLO' },
    ]);
  });

  it('reports exact frame byte lengths, onRequest per success, one connect and one disconnect', async () => {
    const { url, rec, server } = await start();
    const c = await connect(url);
    await waitFor(() => rec.of('onWsConnect').length === 1, 'connect hook');
    const sentBytes = [
      c.send(JSON.stringify({ id: 1, op: 'add', payload: { a: 1, b: 1 } })),
      c.send(JSON.stringify({ id: 2, op: 'upper', payload: 'naïve café ✓' })),
    ];
    await waitFor(() => c.received.length === 2, '2 replies');
    await c.close();
    await waitFor(() => rec.of('onWsDisconnect').length === 1, 'disconnect hook');

    const connects = rec.of('onWsConnect');
    expect(connects).toHaveLength(1);
    expect(connects[0]![1]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(rec.of('onWsDisconnect')).toEqual([['onWsDisconnect', connects[0]![1]]]);

    expect(rec.of('onWsMessageRecv')).toEqual([
      ['onWsMessageRecv', 'add', sentBytes[0]],
      ['onWsMessageRecv', 'upper', sentBytes[1]],
    ]);
    // Multi-byte characters: byte counts, not string lengths.
    expect(sentBytes[1]).toBeGreaterThan(JSON.stringify({ id: 2, op: 'upper', payload: 'naïve café ✓' }).length);
    const replyBytes = c.received.map((b) => b.length);
    expect(rec.of('onWsMessageSent')).toEqual([
      ['onWsMessageSent', 'add', replyBytes[0]],
      ['onWsMessageSent', 'upper', replyBytes[1]],
    ]);
    const requests = rec.of('onRequest');
    expect(requests.map((e) => e[1])).toEqual(['add', 'upper']);
    for (const [, , secs] of requests) {
      expect(typeof secs).toBe('number');
      expect(secs as number).toBeGreaterThanOrEqual(0);
    }
    expect(rec.of('onError')).toEqual([]);
    expect(server.connections.size).toBe(0);
  });

  it('counts one connect and one disconnect for each of several connections', async () => {
    const { url, rec } = await start();
    const a = await connect(url);
    const b = await connect(url);
    const c = await connect(url);
    await waitFor(() => rec.of('onWsConnect').length === 3, '3 connects');
    const addrs = rec.of('onWsConnect').map((e) => e[1]);
    expect(new Set(addrs).size).toBe(3);
    await a.close();
    await b.close();
    await c.close();
    await waitFor(() => rec.of('onWsDisconnect').length === 3, '3 disconnects');
    expect(
      rec
        .of('onWsDisconnect')
        .map((e) => e[1])
        .sort(),
    ).toEqual([...addrs].sort());
    expect(rec.of('onWsConnect')).toHaveLength(3);
  });

  it('turns a throwing handler into an error reply with its type, logs it, and keeps serving', async () => {
    const { url, rec } = await start();
    const c = await connect(url);
    const other = await connect(url);
    c.send(JSON.stringify({ id: 1, op: 'reserve', payload: { sku: 42 } }));
    c.send(JSON.stringify({ id: 2, op: 'rejectAsync' }));
    await waitFor(() => c.received.length === 2, '2 error replies');
    expect(c.json()).toEqual([
      { id: 1, ok: false, error: { type: 'OutOfStockError', message: 'sku 42 is out of stock' } },
      { id: 2, ok: false, error: { type: 'RangeError', message: 'quantity must be at least 1' } },
    ]);
    expect(rec.of('onError')).toEqual([
      ['onError', 'reserve', 'OutOfStockError'],
      ['onError', 'rejectAsync', 'RangeError'],
    ]);
    expect(rec.of('onRequest')).toEqual([]);
    const errors = logs.records.filter((r) => r.level === 'error' && r.logger === 'sightline.ws_server');
    expect(errors.map((r) => r.fields?.errorType)).toEqual(['OutOfStockError', 'RangeError']);

    c.send(JSON.stringify({ id: 3, op: 'add', payload: { a: 40, b: 2 } }));
    other.send(JSON.stringify({ id: 9, op: 'add', payload: { a: 1, b: 2 } }));
    await waitFor(() => c.received.length === 3 && other.received.length === 1, 'replies after the failure');
    expect(c.json()[2]).toEqual({ id: 3, ok: true, result: 42 });
    expect(other.json()).toEqual([{ id: 9, ok: true, result: 3 }]);
  });

  it('fails a request whose result JSON cannot carry, with the serialiser error type', async () => {
    const { url, rec } = await start();
    const c = await connect(url);
    c.send(JSON.stringify({ id: 1, op: 'bigint' }));
    await waitFor(() => c.received.length === 1, 'reply');
    const reply = c.json()[0]!;
    expect(reply).toMatchObject({ id: 1, ok: false, error: { type: 'TypeError' } });
    expect(rec.of('onError')).toEqual([['onError', 'bigint', 'TypeError']]);
  });

  it('passes the connection to handlers', async () => {
    const { url, rec } = await start();
    const c = await connect(url);
    c.send(JSON.stringify({ id: 1, op: 'whoami' }));
    await waitFor(() => c.received.length === 1, 'reply');
    expect(c.json()[0]!.result).toBe(rec.of('onWsConnect')[0]![1]);
  });
});

describe('createWsServer: hooks that misbehave, and no hooks at all', () => {
  it('keeps serving when every hook throws', async () => {
    const boom = () => {
      throw new Error('hook bug');
    };
    const { url } = await start({
      hooks: { onWsConnect: boom, onWsMessageRecv: boom, onWsMessageSent: boom, onRequest: boom, onError: boom },
    });
    const c = await connect(url);
    c.send(JSON.stringify({ id: 1, op: 'add', payload: { a: 1, b: 2 } }));
    c.send(JSON.stringify({ id: 2, op: 'reserve' }));
    await waitFor(() => c.received.length === 2, '2 replies');
    expect(c.json()).toEqual([
      { id: 1, ok: true, result: 3 },
      { id: 2, ok: false, error: { type: 'OutOfStockError', message: 'sku 42 is out of stock' } },
    ]);
  });

  it('publishes on the sightline diagnostics channels with no hooks set', async () => {
    const seen: unknown[] = [];
    const onRecv = (message: unknown) => seen.push(message);
    diagnosticsChannel.subscribe('sightline:ws:message-recv', onRecv);
    try {
      const server = await createWsServer({
        port: 0,
        host: '127.0.0.1',
        handlers: { add: (p) => (p as { a: number }).a + (p as { b: number }).b },
      });
      servers.push(server);
      const c = await connect(`ws://127.0.0.1:${server.port}`);
      const n = c.send(JSON.stringify({ id: 1, op: 'add', payload: { a: 1, b: 2 } }));
      await waitFor(() => c.received.length === 1, 'reply');
      expect(seen).toEqual([{ op: 'add', byteCount: n }]);
    } finally {
      diagnosticsChannel.unsubscribe('sightline:ws:message-recv', onRecv);
    }
  });
});

describe('createWsServer: pushes', () => {
  it('pushes to one connection and broadcasts to all, counting each frame sent', async () => {
    let first: WsConnection | undefined;
    const { url, rec, server } = await start({
      onConnection: (conn) => {
        first ??= conn;
      },
    });
    const a = await connect(url);
    const b = await connect(url);
    await waitFor(() => server.connections.size === 2, '2 connections');

    expect(first!.push('order.updated', { id: 7, status: 'shipped' })).toBe(true);
    expect(server.broadcast('price.changed', { sku: 'A1', price: 9.5 })).toBe(2);
    await waitFor(() => a.received.length === 2 && b.received.length === 1, 'pushes');

    expect(a.json()).toEqual([
      { op: 'order.updated', payload: { id: 7, status: 'shipped' } },
      { op: 'price.changed', payload: { sku: 'A1', price: 9.5 } },
    ]);
    expect(b.json()).toEqual([{ op: 'price.changed', payload: { sku: 'A1', price: 9.5 } }]);
    expect(rec.of('onWsMessageSent')).toEqual([
      ['onWsMessageSent', 'order.updated', a.received[0]!.length],
      ['onWsMessageSent', 'price.changed', a.received[1]!.length],
      ['onWsMessageSent', 'price.changed', b.received[0]!.length],
    ]);
    expect(logs.records.some((r) => r.logger === 'sightline.ws_server' && r.message === 'push')).toBe(true);
  });

  it('returns false for a push to a closed connection and broadcasts to none after all left', async () => {
    let conn: WsConnection | undefined;
    const closedCodes: number[] = [];
    const { url, server } = await start({
      onConnection: (c) => (conn = c),
      onConnectionClose: (_c, code) => closedCodes.push(code),
    });
    const a = await connect(url);
    await waitFor(() => conn !== undefined, 'connection');
    await a.close();
    await waitFor(() => closedCodes.length === 1, 'close callback');
    expect(closedCodes).toEqual([1005]);
    expect(conn!.isOpen).toBe(false);
    expect(conn!.push('late', 1)).toBe(false);
    expect(server.broadcast('nobody', 1)).toBe(0);
  });
});

describe('createWsServer: bad input', () => {
  it('answers malformed frames with MalformedFrameError replies, counted under (invalid)', async () => {
    const { url, rec } = await start();
    const c = await connect(url);
    const bytes = [
      c.send('not json {'),
      c.send('[1,2,3]'),
      c.send(JSON.stringify({ op: 'add' })),
      c.send(JSON.stringify({ id: 5, payload: 1 })),
    ];
    await waitFor(() => c.received.length === 4, '4 error replies');
    const replies = c.json();
    expect(replies.map((r) => [r.id, r.ok, (r.error as { type: string }).type])).toEqual([
      [null, false, 'MalformedFrameError'],
      [null, false, 'MalformedFrameError'],
      [null, false, 'MalformedFrameError'],
      [5, false, 'MalformedFrameError'],
    ]);
    expect((replies[3]!.error as { message: string }).message).toBe('frame has no valid "op": expected a non-empty string');
    expect(rec.of('onWsMessageRecv')).toEqual(bytes.map((n) => ['onWsMessageRecv', '(invalid)', n]));
    expect(rec.of('onError')).toEqual(bytes.map(() => ['onError', '(invalid)', 'MalformedFrameError']));
    expect(rec.of('onWsMessageSent')).toEqual(c.received.map((b) => ['onWsMessageSent', '(invalid)', b.length]));

    c.send(JSON.stringify({ id: 6, op: 'add', payload: { a: 1, b: 1 } }));
    await waitFor(() => c.received.length === 5, 'a normal reply');
    expect(c.json()[4]).toEqual({ id: 6, ok: true, result: 2 });
  });

  it('answers an unknown op with UnknownOpError, without reporting the claimed op name', async () => {
    const { url, rec } = await start();
    const c = await connect(url);
    const n = c.send(JSON.stringify({ id: 1, op: 'dropTables', payload: {} }));
    await waitFor(() => c.received.length === 1, 'reply');
    expect(c.json()).toEqual([{ id: 1, ok: false, error: { type: 'UnknownOpError', message: 'unknown op "dropTables"' } }]);
    expect(rec.events.filter((e) => e[0] !== 'onWsConnect')).toEqual([
      ['onWsMessageRecv', '(invalid)', n],
      ['onError', '(invalid)', 'UnknownOpError'],
      ['onWsMessageSent', '(invalid)', c.received[0]!.length],
    ]);
  });

  it('closes a connection that sends a frame over maxPayloadBytes with 1009, and serves the others', async () => {
    const { url, rec } = await start({ maxPayloadBytes: 64 });
    const big = await connect(url);
    const other = await connect(url);
    big.send(JSON.stringify({ id: 1, op: 'upper', payload: 'x'.repeat(100) }));
    expect((await big.closed).code).toBe(1009);
    await waitFor(() => rec.of('onWsDisconnect').length === 1, 'disconnect');
    expect(rec.of('onError')).toEqual([['onError', '(invalid)', 'PayloadTooLargeError']]);
    expect(big.received).toEqual([]);

    // Exactly at the limit is accepted.
    const text = JSON.stringify({ id: 2, op: 'upper', payload: 'y'.repeat(30) });
    expect(Buffer.byteLength(text)).toBe(64);
    other.send(text);
    await waitFor(() => other.received.length === 1, 'reply on the other connection');
    expect(other.json()).toEqual([{ id: 2, ok: true, result: 'Y'.repeat(30) }]);
  });
});

describe('createWsServer: connection limit', () => {
  it('closes connections past maxConnections with 1013, warns once, and accepts again after one leaves', async () => {
    const { url, rec, server } = await start({ maxConnections: 2 });
    const a = await connect(url);
    await connect(url);
    const third = await rawClient(url);
    const fourth = await rawClient(url);
    expect(await third.closed).toEqual({ code: 1013, reason: 'connection limit reached' });
    expect((await fourth.closed).code).toBe(1013);

    expect(rec.of('onWsConnect')).toHaveLength(2);
    expect(rec.of('onError')).toEqual([
      ['onError', '(connection)', 'ConnectionLimitError'],
      ['onError', '(connection)', 'ConnectionLimitError'],
    ]);
    const warnings = logs.records.filter((r) => r.level === 'warn' && r.logger === 'sightline.ws_server');
    expect(warnings.map((r) => r.message)).toEqual(['connection limit reached; closing new connection with 1013']);
    expect(warnings[0]!.fields).toMatchObject({ maxConnections: 2, refused: 1 });

    await a.close();
    await waitFor(() => server.connections.size === 1, 'one connection left');
    const again = await connect(url);
    again.send(JSON.stringify({ id: 1, op: 'add', payload: { a: 1, b: 2 } }));
    await waitFor(() => again.received.length === 1, 'reply');
    expect(again.json()).toEqual([{ id: 1, ok: true, result: 3 }]);
    expect(rec.of('onWsConnect')).toHaveLength(3);
  });
});

describe('createWsServer: heartbeat', () => {
  it('terminates a client that stops answering pings after one missed heartbeat', async () => {
    const { url, rec, server } = await start({ heartbeatIntervalMs: 40 });
    const silent = await connect(url, { autoPong: false });
    let pings = 0;
    silent.socket.on('ping', () => pings++);
    await waitFor(() => server.connections.size === 1, 'connection');

    const { code } = await silent.closed;
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect(code).toBe(1006);
    expect(pings).toBe(1);
    await waitFor(() => rec.of('onWsDisconnect').length === 1, 'disconnect hook');
    expect(rec.of('onError')).toEqual([['onError', '(connection)', 'HeartbeatTimeoutError']]);
    expect(server.connections.size).toBe(0);
    expect(logs.records.some((r) => r.logger === 'sightline.ws' && r.message.startsWith('heartbeat missed'))).toBe(true);
  });

  it('keeps a client that answers every ping', async () => {
    const { url, rec, server } = await start({ heartbeatIntervalMs: 100 });
    const alive = await connect(url);
    let pings = 0;
    alive.socket.on('ping', () => pings++);
    await waitFor(() => pings >= 3, 'three pings');
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    expect(server.connections.size).toBe(1);
    expect(rec.of('onError')).toEqual([]);
  });
});

describe('createWsServer: lifecycle', () => {
  it('close() ends every connection with 1001 and resolves when done', async () => {
    const { url, rec, server } = await start();
    const a = await connect(url);
    const b = await connect(url);
    await waitFor(() => server.connections.size === 2, '2 connections');
    await server.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(rec.of('onWsDisconnect')).toHaveLength(2);
    await expect(rawClient(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('attaches to an existing http server on a path and leaves it open', async () => {
    const http = createServer((_req, res) => res.end('plain http'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const server = await createWsServer({ server: http, path: '/rpc', handlers: { ping: () => 'pong' } });
      servers.push(server);
      const port = (http.address() as { port: number }).port;
      expect(server.port).toBe(port);
      const c = await connect(`ws://127.0.0.1:${port}/rpc`);
      c.send(JSON.stringify({ id: 1, op: 'ping' }));
      await waitFor(() => c.received.length === 1, 'reply');
      expect(c.json()).toEqual([{ id: 1, ok: true, result: 'pong' }]);
      await server.close();
      expect(http.listening).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(await res.text()).toBe('plain http');
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('answers plain HTTP requests on its own port with 426', async () => {
    const { server } = await start();
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(res.status).toBe(426);
    await res.text();
  });
});
