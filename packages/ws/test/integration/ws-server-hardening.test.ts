// The server under hostile clients: a flood of bad frames does not flood the log, and close() does
// not wait on a client that never finished its upgrade request.
import { connect as tcpConnect } from 'node:net';
import { once } from 'node:events';
import { settleWithin } from '@sightline/core/internal';
import { createWsServer, type WsServer } from '../../src/index.js';
import { captureLogs, rawClient, waitFor } from '../helpers.js';

let logs: ReturnType<typeof captureLogs>;
const servers: WsServer[] = [];

beforeEach(() => {
  logs = captureLogs('debug');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  logs.restore();
});

async function start(): Promise<WsServer> {
  const server = await createWsServer({
    port: 0,
    host: '127.0.0.1',
    handlers: {
      fail: () => {
        throw new RangeError('nope');
      },
    },
  });
  servers.push(server);
  return server;
}

const problemLines = () => logs.records.filter((r) => r.level === 'warn' || r.level === 'error');

describe('ws server hardening', () => {
  it('10,001 malformed frames and 500 failing requests from one connection: one log line per kind, and the count held back when it closes', async () => {
    const server = await start();
    const c = await rawClient(`ws://127.0.0.1:${server.port}`);
    for (let i = 0; i < 10_001; i++) c.socket.send('not json {');
    for (let i = 0; i < 500; i++) c.socket.send(JSON.stringify({ id: i, op: 'fail' }));
    await waitFor(() => c.received.length === 10_501, 'every error reply', 20_000);
    await c.close();
    await waitFor(() => problemLines().some((r) => r.message.includes('suppressed')), 'the closing summary');

    const lines = problemLines();
    expect(lines.map((r) => r.message)).toEqual([
      'bad frame',
      'handler failed',
      'connection closed; 10499 more log lines about it were suppressed',
    ]);
    expect(lines[2]!.fields).toMatchObject({ suppressed: 10_499 });
  }, 30_000);

  it("each connection has its own allowance: a second client's first bad frame is logged", async () => {
    const server = await start();
    const a = await rawClient(`ws://127.0.0.1:${server.port}`);
    const b = await rawClient(`ws://127.0.0.1:${server.port}`);
    a.socket.send('x');
    a.socket.send('x');
    b.socket.send('x');
    await waitFor(() => a.received.length === 2 && b.received.length === 1, 'replies');
    expect(problemLines().filter((r) => r.message === 'bad frame')).toHaveLength(2);
    await a.close();
    await b.close();
  });

  it('close() resolves at once while a client holds an upgrade request with unfinished headers', async () => {
    const server = await start();
    const socket = tcpConnect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'); // no blank line
    const socketClosed = new Promise((resolve) => socket.once('close', resolve));
    // Waiting for the headers would take headersTimeout (60 s); 5 s is a generous bound for "at once".
    expect(await settleWithin(server.close(), 5000)).toEqual({ timedOut: false, value: undefined });
    await socketClosed;
  });
});
