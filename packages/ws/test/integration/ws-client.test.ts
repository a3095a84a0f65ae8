// The client against our server and against a hand-written `ws` peer, on loopback.
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  ConnectionClosedError,
  createWsServer,
  RemoteError,
  RequestTimeoutError,
  WsClient,
  WsConnectError,
  type WsServer,
} from '../../src/index.js';
import { captureLogs, rawServer, recordingHooks, waitFor } from '../helpers.js';

class PaymentDeclinedError extends Error {}

let logs: ReturnType<typeof captureLogs>;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(() => {
  logs = captureLogs('debug');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  logs.restore();
});

async function startServer(port = 0): Promise<WsServer & { url: string }> {
  const server = await createWsServer({
    port,
    host: '127.0.0.1',
    heartbeatIntervalMs: 0,
    handlers: {
      'order.create': (p) => ({ id: 101, ...(p as object) }),
      'order.get': async (p) => {
        await nextTurn(); // answers on a later turn of the event loop, as a handler doing I/O would
        return { id: p, status: 'open' };
      },
      pay: () => {
        throw new PaymentDeclinedError('card declined');
      },
      hang: () => new Promise(() => {}),
      subscribe: (topic, conn) => {
        setImmediate(() => conn.push(String(topic), { seq: 1 }));
        return 'subscribed';
      },
    },
  });
  cleanups.push(() => server.close());
  return Object.assign(server, { url: `ws://127.0.0.1:${server.port}` });
}

function client(url: string, options: ConstructorParameters<typeof WsClient>[1] = {}): WsClient {
  const c = new WsClient(url, { heartbeatIntervalMs: 0, ...options });
  cleanups.push(() => c.close());
  return c;
}

describe('WsClient: requests', () => {
  it('round-trips several ops and reports each through onRequest', async () => {
    const server = await startServer();
    const rec = recordingHooks();
    const c = client(server.url, { hooks: rec.hooks });
    await c.connect();
    expect(c.state).toBe('open');
    await expect(c.request('order.create', { sku: 'A1', qty: 2 })).resolves.toEqual({ id: 101, sku: 'A1', qty: 2 });
    await expect(c.request('order.get', 101)).resolves.toEqual({ id: 101, status: 'open' });
    const both = await Promise.all([c.request('order.get', 1), c.request('order.get', 2)]);
    expect(both).toEqual([
      { id: 1, status: 'open' },
      { id: 2, status: 'open' },
    ]);
    expect(rec.of('onRequest').map((e) => e[1])).toEqual(['order.create', 'order.get', 'order.get', 'order.get']);
    for (const [, , secs] of rec.of('onRequest')) {
      expect(typeof secs).toBe('number');
      expect(secs as number).toBeGreaterThan(0);
    }
    expect(rec.of('onError')).toEqual([]);
  });

  it('works with await using and WsClient.connect, closing on scope exit', async () => {
    const server = await startServer();
    const rec = recordingHooks();
    {
      await using ws = await WsClient.connect(server.url, { hooks: rec.hooks, heartbeatIntervalMs: 0 });
      expect(await ws.request('order.get', 7)).toEqual({ id: 7, status: 'open' });
      expect(ws.state).toBe('open');
    }
    expect(rec.of('onWsDisconnect')).toHaveLength(1);
    await waitFor(() => server.connections.size === 0, 'server to see the close');
  });

  it('rejects an error reply with RemoteError carrying the server-side type', async () => {
    const server = await startServer();
    const rec = recordingHooks();
    const c = client(server.url, { hooks: rec.hooks });
    await c.connect();
    const error = await c.request('pay', { amount: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      name: 'RemoteError',
      op: 'pay',
      type: 'PaymentDeclinedError',
      message: 'PaymentDeclinedError: card declined',
    });
    const unknown = await c.request('refund').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ type: 'UnknownOpError', op: 'refund' });
    expect(rec.of('onError')).toEqual([
      ['onError', 'pay', 'PaymentDeclinedError'],
      ['onError', 'refund', 'UnknownOpError'],
    ]);
    expect(await c.request('order.get', 1)).toEqual({ id: 1, status: 'open' });
  });

  it('rejects with RequestTimeoutError past the timeout and counts a late reply as (unmatched)', async () => {
    const peer = await rawServer();
    cleanups.push(() => peer.close());
    const rec = recordingHooks();
    const c = client(peer.url, { hooks: rec.hooks, requestTimeoutMs: 40 });
    await c.connect();
    const error = await c.request('slow', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ op: 'slow', timeoutMs: 40, message: 'Request "slow" got no reply within 40 ms' });
    const perRequest = await c.request('slow', 2, { timeoutMs: 10 }).catch((e: unknown) => e);
    expect(perRequest).toMatchObject({ name: 'RequestTimeoutError', timeoutMs: 10 });
    expect(rec.of('onError')).toEqual([
      ['onError', 'slow', 'RequestTimeoutError'],
      ['onError', 'slow', 'RequestTimeoutError'],
    ]);
    const late = JSON.stringify({ id: 1, ok: true, result: 'too late' });
    peer.send(late);
    await waitFor(() => rec.of('onWsMessageRecv').length === 1, 'late reply');
    expect(rec.of('onWsMessageRecv')).toEqual([['onWsMessageRecv', '(unmatched)', Buffer.byteLength(late)]]);
  });

  it('reports exact frame lengths as a plain ws peer sees them, and the peer address', async () => {
    const peer = await rawServer();
    cleanups.push(() => peer.close());
    const rec = recordingHooks();
    const c = client(peer.url, { hooks: rec.hooks });
    await c.connect();
    expect(await c.request('echo', { note: 'Grüße, 世界' })).toEqual({ note: 'Grüße, 世界' });
    expect(await c.request('echo', [1, 2, 3])).toEqual([1, 2, 3]);
    await c.close();

    expect(peer.received.map((b) => b.length)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(rec.events.filter((e) => e[0] !== 'onRequest')).toEqual([
      ['onWsConnect', `127.0.0.1:${peer.port}`],
      ['onWsMessageSent', 'echo', peer.received[0]!.length],
      ['onWsMessageRecv', 'echo', Buffer.byteLength(peer.sent[0]!)],
      ['onWsMessageSent', 'echo', peer.received[1]!.length],
      ['onWsMessageRecv', 'echo', Buffer.byteLength(peer.sent[1]!)],
      ['onWsDisconnect', `127.0.0.1:${peer.port}`],
    ]);
    // What the peer received is the protocol's request frame.
    expect(JSON.parse(peer.received[0]!.toString())).toEqual({ id: 1, op: 'echo', payload: { note: 'Grüße, 世界' } });
  });

  it('sends the configured headers with the upgrade request', async () => {
    const peer = await rawServer();
    cleanups.push(() => peer.close());
    const c = client(peer.url, { headers: { authorization: 'Bearer t0ken', 'x-tenant': 'acme' } });
    await c.connect();
    expect(peer.headers[0]).toMatchObject({ authorization: 'Bearer t0ken', 'x-tenant': 'acme' });
  });

  it('counts an unreadable frame from the server as MalformedFrameError under (invalid)', async () => {
    const peer = await rawServer();
    cleanups.push(() => peer.close());
    const rec = recordingHooks();
    const c = client(peer.url, { hooks: rec.hooks });
    await c.connect();
    peer.send('{"what": 1}');
    await waitFor(() => rec.of('onError').length === 1, 'onError');
    expect(rec.of('onWsMessageRecv')).toEqual([['onWsMessageRecv', '(invalid)', 11]]);
    expect(rec.of('onError')).toEqual([['onError', '(invalid)', 'MalformedFrameError']]);
    expect(await c.request('echo', 'still fine')).toBe('still fine');
  });
});

describe('WsClient: pushes', () => {
  it('delivers pushes to the listeners of their op until unsubscribed; a throwing listener is isolated', async () => {
    const server = await startServer();
    const rec = recordingHooks();
    const c = client(server.url, { hooks: rec.hooks });
    await c.connect();
    const got: Array<[unknown, string]> = [];
    c.on('prices', () => {
      throw new Error('listener bug');
    });
    const off = c.on('prices', (payload, op) => got.push([payload, op]));
    expect(await c.request('subscribe', 'prices')).toBe('subscribed');
    await waitFor(() => got.length === 1, 'push');
    expect(got).toEqual([[{ seq: 1 }, 'prices']]);
    expect(logs.records.some((r) => r.level === 'error' && r.message === 'push listener threw; ignored')).toBe(true);

    const broadcastBytes = Buffer.byteLength(JSON.stringify({ op: 'prices', payload: { seq: 2 } }));
    server.broadcast('prices', { seq: 2 });
    await waitFor(() => got.length === 2, 'broadcast');
    off();
    server.broadcast('prices', { seq: 3 });
    await waitFor(() => rec.of('onWsMessageRecv').filter((e) => e[1] === 'prices').length === 3, 'third push');
    expect(got).toHaveLength(2);
    expect(rec.of('onWsMessageRecv').filter((e) => e[1] === 'prices')[1]).toEqual(['onWsMessageRecv', 'prices', broadcastBytes]);
  });
});

describe('WsClient: losing the link', () => {
  it('rejects requests in flight with ConnectionClosedError when the link drops', async () => {
    const server = await startServer();
    const rec = recordingHooks();
    const c = client(server.url, { hooks: rec.hooks, reconnect: false });
    await c.connect();
    const inFlight = [c.request('hang', 1).catch((e: unknown) => e), c.request('hang', 2).catch((e: unknown) => e)];
    await waitFor(() => rec.of('onWsMessageSent').length === 2, 'requests sent');
    await server.close();
    const errors = await Promise.all(inFlight);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect(error).toMatchObject({
        op: 'hang',
        closeCode: 1001,
        code: 'SIGHTLINE_ERR_WS_CONNECTION_CLOSED',
        message: 'Request "hang" failed: Connection closed (code 1001) before the reply',
      });
    }
    expect(rec.of('onError')).toEqual([
      ['onError', 'hang', 'ConnectionClosedError'],
      ['onError', 'hang', 'ConnectionClosedError'],
    ]);
    expect(c.state).toBe('closed');
    await expect(c.whenOpen()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('reconnects after the server restarts on the same port; requests while down reject', async () => {
    const first = await startServer();
    const port = first.port;
    const rec = recordingHooks();
    const c = client(first.url, { hooks: rec.hooks, reconnect: { initialDelayMs: 10, maxDelayMs: 40, jitter: 0 } });
    await c.connect();
    expect(await c.request('order.get', 1)).toEqual({ id: 1, status: 'open' });

    await first.close();
    await waitFor(() => c.state === 'reconnecting', 'reconnecting state');
    const whileDown = await c.request('order.get', 2).catch((e: unknown) => e);
    expect(whileDown).toBeInstanceOf(ConnectionClosedError);
    expect(whileDown).toMatchObject({ op: 'order.get', message: 'Request "order.get" not sent: WsClient is reconnecting' });
    await waitFor(() => logs.records.filter((r) => r.message === 'reconnection attempt').length >= 2, 'two refused attempts');

    const second = await startServer(port);
    await c.whenOpen();
    expect(await c.request('order.get', 3)).toEqual({ id: 3, status: 'open' });

    expect(rec.of('onWsConnect')).toEqual([
      ['onWsConnect', `127.0.0.1:${port}`],
      ['onWsConnect', `127.0.0.1:${port}`],
    ]);
    expect(rec.of('onWsDisconnect')).toEqual([['onWsDisconnect', `127.0.0.1:${port}`]]);
    expect(rec.of('onError')).toEqual([['onError', 'order.get', 'ConnectionClosedError']]);
    const clientLogs = logs.records.filter((r) => r.logger === 'sightline.ws_client' && r.level !== 'debug');
    expect(clientLogs.map((r) => [r.level, r.message])).toEqual([
      ['warn', 'server closed the connection'],
      ['warn', 'reconnecting'],
      ['info', 'reconnected'],
    ]);
    expect(logs.records.some((r) => r.message === 'reconnection attempt' && r.level === 'debug')).toBe(true);
    expect(second.connections.size).toBe(1);
  });

  it('gives up after reconnect.maxAttempts and ends closed', async () => {
    const server = await startServer();
    const c = client(server.url, { reconnect: { initialDelayMs: 5, maxDelayMs: 10, jitter: 0, maxAttempts: 2 } });
    await c.connect();
    await server.close();
    await waitFor(() => c.state === 'reconnecting', 'reconnecting state');
    const opened = c.whenOpen();
    await expect(opened).rejects.toThrow('Connection lost and not reconnecting');
    expect(c.state).toBe('closed');
    expect(logs.records.filter((r) => r.message === 'reconnection attempt')).toHaveLength(2);
    expect(logs.records.some((r) => r.level === 'error' && r.message === 'reconnection gave up')).toBe(true);
  });

  it('cuts a link whose server stops answering pings, then reconnects', async () => {
    const peer = await rawServer({ autoPong: false });
    cleanups.push(() => peer.close());
    const rec = recordingHooks();
    const c = client(peer.url, { hooks: rec.hooks, heartbeatIntervalMs: 30, reconnect: { initialDelayMs: 10, jitter: 0 } });
    await c.connect();
    await waitFor(() => rec.of('onWsConnect').length === 2, 'second connection');
    expect(rec.of('onError')[0]).toEqual(['onError', '(connection)', 'HeartbeatTimeoutError']);
    expect(rec.of('onWsDisconnect')).toHaveLength(1);
  });

  it('close() rejects waiting requests, stops reconnecting, and is idempotent', async () => {
    const server = await startServer();
    const rec = recordingHooks();
    const c = client(server.url, { hooks: rec.hooks });
    await c.connect();
    const waiting = c.request('hang').catch((e: unknown) => e);
    await waitFor(() => rec.of('onWsMessageSent').length === 1, 'request sent');
    await Promise.all([c.close(), c.close()]);
    expect(await waiting).toMatchObject({ name: 'ConnectionClosedError', message: 'Request "hang" failed: WsClient was closed' });
    expect(c.state).toBe('closed');
    await waitFor(() => server.connections.size === 0, 'the server to see the close');
    expect(rec.of('onWsConnect')).toHaveLength(1);
    expect(rec.of('onWsDisconnect')).toHaveLength(1);
    await expect(c.request('order.get', 1)).rejects.toThrow('Request "order.get" not sent: WsClient is closed');
    await expect(c.connect()).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

describe('WsClient: connect()', () => {
  it('rejects with WsConnectError when nothing listens, and can be retried', async () => {
    const server = await startServer();
    const port = server.port;
    await server.close();
    const c = client(`ws://127.0.0.1:${port}/rpc?token=secret`);
    const error = await c.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WsConnectError);
    expect((error as Error).message).toMatch(new RegExp(`^Could not connect to ws://127\\.0\\.0\\.1:${port}/rpc: .*ECONNREFUSED`));
    expect((error as Error).message).not.toContain('secret');
    expect(c.state).toBe('idle');

    // Callers waiting on the same attempt all learn of the failure.
    const both = await Promise.all([c.connect(), c.whenOpen(), c.connect()].map((p) => p.catch((e: unknown) => e)));
    for (const e of both) expect(e).toBeInstanceOf(WsConnectError);
    expect(c.state).toBe('idle');

    const again = await startServer(port);
    await c.connect();
    expect(c.state).toBe('open');
    expect(again.connections.size).toBe(1);
  });

  it('ends closed after a 1013 close from a server at its connection limit when reconnect is off', async () => {
    const server = await createWsServer({ port: 0, host: '127.0.0.1', maxConnections: 1, handlers: {} });
    cleanups.push(() => server.close());
    const url = `ws://127.0.0.1:${server.port}`;
    const first = client(url);
    await first.connect();
    const second = client(url, { reconnect: false });
    await second.connect();
    // The upgrade succeeds, then the server closes with 1013.
    await waitFor(() => second.state === 'closed', 'second client closed');
    expect(logs.records.some((r) => r.logger === 'sightline.ws_client' && r.fields?.code === 1013)).toBe(true);
  });
});
