// One client flooding a slow handler cannot run unbounded handlers at once: past
// maxInFlightPerConnection the server stops reading the connection, a request that still arrives is
// answered with TooManyInFlightError and counted, and maxInFlight bounds the server as a whole.
import { EventEmitter, once } from 'node:events';
import { createWsServer, type WsServer } from '../src/index.js';
import { captureLogs, rawClient } from './helpers.js';

let server: WsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A handler that settles only when the test releases it, and what it saw. */
function gatedHandler() {
  const changed = new EventEmitter();
  const pending: Array<() => void> = [];
  const state = { calls: 0, maxPending: 0, pending };
  const slow = () =>
    new Promise<string>((resolve) => {
      state.calls++;
      pending.push(() => resolve('done'));
      state.maxPending = Math.max(state.maxPending, pending.length);
      changed.emit('change');
    });
  return { slow, state, changed };
}

type Reply = { id: number; ok: boolean; result?: string; error?: { type: string; message: string } };

/** Sends `n` requests at once on each client, releasing the handlers whenever `batch` are pending, until every request has its reply. */
async function flood(
  clients: Array<Awaited<ReturnType<typeof rawClient>>>,
  n: number,
  batch: number,
  gate: ReturnType<typeof gatedHandler>,
) {
  for (const c of clients) c.socket.on('message', () => gate.changed.emit('change'));
  for (const c of clients) for (let i = 0; i < n; i++) c.send(JSON.stringify({ id: i, op: 'slow' }));
  const replies = () => clients.reduce((sum, c) => sum + c.received.length, 0);
  const total = n * clients.length;
  while (replies() < total) {
    if (gate.state.pending.length >= batch || replies() + gate.state.pending.length === total) {
      for (const release of gate.state.pending.splice(0)) release();
    }
    if (replies() < total) await once(gate.changed, 'change');
  }
  return clients.map((c) => c.json() as unknown as Reply[]);
}

test('past maxInFlightPerConnection a connection is not read and the requests that still come are refused with a reply', async () => {
  const logs = captureLogs('warn');
  try {
    const gate = gatedHandler();
    server = await createWsServer({ port: 0, host: '127.0.0.1', handlers: { slow: gate.slow }, maxInFlightPerConnection: 4 });
    const client = await rawClient(`ws://127.0.0.1:${server.port}`);
    const [replies] = await flood([client], 200, 4, gate);
    expect(gate.state.maxPending).toBe(4);
    const ok = replies!.filter((r) => r.ok);
    const refused = replies!.filter((r) => !r.ok);
    expect(ok.length).toBe(gate.state.calls);
    expect(ok.every((r) => r.result === 'done')).toBe(true);
    for (const r of refused) {
      expect(r.error).toEqual({
        type: 'TooManyInFlightError',
        message: 'more than 4 requests in flight on this connection; retry once replies arrive',
      });
    }
    expect(ok.length + refused.length).toBe(200);
    expect(server.requestsRefused).toBe(refused.length);
    expect(server.inFlight).toBe(0);
    if (refused.length > 0) {
      expect(logs.records.filter((r) => r.message === 'request refused: too many in flight')).toHaveLength(1);
    }
    await client.close();
  } finally {
    logs.restore();
  }
});

test('maxInFlight bounds the handlers running across connections', async () => {
  const gate = gatedHandler();
  server = await createWsServer({
    port: 0,
    host: '127.0.0.1',
    handlers: { slow: gate.slow },
    maxInFlightPerConnection: 4,
    maxInFlight: 6,
  });
  const clients = await Promise.all([0, 1, 2].map(() => rawClient(`ws://127.0.0.1:${server!.port}`)));
  for (const c of clients) c.socket.on('message', () => gate.changed.emit('change'));
  for (const c of clients) for (let i = 0; i < 50; i++) c.send(JSON.stringify({ id: i, op: 'slow' }));
  const refusedSoFar = () => clients.flatMap((c) => c.json() as unknown as Reply[]).filter((r) => !r.ok);
  // Handlers are held: six run (a connection at its own limit of four is paused), and a connection
  // still being read past the server's limit of six gets its requests refused.
  const SERVER_WIDE = 'more than 6 requests in flight on this server; retry later';
  const PER_CONNECTION = 'more than 4 requests in flight on this connection; retry once replies arrive';
  while (gate.state.pending.length < 6 || !refusedSoFar().some((r) => r.error?.message === SERVER_WIDE)) {
    await once(gate.changed, 'change');
  }
  expect(gate.state.maxPending).toBe(6);
  expect(server.inFlight).toBe(6);
  // Frames a paused connection had already read are refused by its own limit; the rest by the server's.
  for (const r of refusedSoFar()) {
    expect(r.error?.type).toBe('TooManyInFlightError');
    expect([SERVER_WIDE, PER_CONNECTION]).toContain(r.error?.message);
  }
  expect(server.requestsRefused).toBeGreaterThanOrEqual(refusedSoFar().length);
  // A paused connection would read its close frame only after the 40 frames queued before it, each
  // held by the gate: cut the clients, then let the held handlers settle onto closed connections.
  for (const c of clients) c.socket.terminate();
  await Promise.all(clients.map((c) => c.closed));
  for (const release of gate.state.pending.splice(0)) release();
});
