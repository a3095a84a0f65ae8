// Half-open and idle sockets cannot use up the process's file descriptors: past maxConnections new
// connections are closed as they arrive, counted and logged once; the probes answer again as soon
// as connections go away.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { LogRecord } from '@sightline/core';
import { setLogSink } from '@sightline/core';
import { closeServers, get, startServer } from './helpers.js';

afterEach(closeServers);

test('past maxConnections a new connection is closed at once and counted; the probes answer again once connections go', async () => {
  const logs: LogRecord[] = [];
  const previous = setLogSink((record) => logs.push(record));
  const sockets: Socket[] = [];
  try {
    const server = await startServer({ maxConnections: 5, requestTimeoutMs: 60_000 });
    const serverSide: Socket[] = [];
    server.server.on('connection', (socket: Socket) => serverSide.push(socket));
    for (let i = 0; i < 5; i++) {
      const socket = connect(server.port, '127.0.0.1');
      sockets.push(socket);
      await once(socket, 'connect');
    }
    // Wait until the server has taken all five (accept runs after the client's connect).
    while (serverSide.length < 5) await once(server.server, 'connection');
    for (let i = 0; i < 3; i++) {
      const extra = connect(server.port, '127.0.0.1');
      extra.on('error', () => undefined);
      await once(extra, 'close');
    }
    expect(server.connectionsRefused).toBe(3);
    expect(logs.filter((r) => r.message.startsWith('health server at maxConnections')).map((r) => r.fields)).toEqual([
      { maxConnections: 5 },
    ]);
    const gone = serverSide.map((socket) => once(socket, 'close'));
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(gone);
    expect((await get(server.url, '/health/live')).status).toBe(200);
  } finally {
    for (const socket of sockets) socket.destroy();
    setLogSink(previous);
  }
});
