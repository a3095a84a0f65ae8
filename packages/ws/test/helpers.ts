// Shared by the tests: hooks that record every call, log capture, raw ws peers and a poll-until helper.
import { once } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { setLogLevel, setLogSink, type LogLevel, type LogRecord, type MetricsHooks } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';

export type HookEvent = readonly [hook: string, a: string, b?: number | string];

/** Hooks that append every call, in order, to `events`. */
export function recordingHooks(): { events: HookEvent[]; hooks: MetricsHooks; of: (hook: string) => HookEvent[] } {
  const events: HookEvent[] = [];
  const hooks: MetricsHooks = {
    onWsConnect: (addr) => events.push(['onWsConnect', addr]),
    onWsDisconnect: (addr) => events.push(['onWsDisconnect', addr]),
    onWsMessageSent: (op, n) => events.push(['onWsMessageSent', op, n]),
    onWsMessageRecv: (op, n) => events.push(['onWsMessageRecv', op, n]),
    onRequest: (op, s) => events.push(['onRequest', op, s]),
    onError: (op, t) => events.push(['onError', op, t]),
  };
  return { events, hooks, of: (hook) => events.filter((e) => e[0] === hook) };
}

/** Captures every log record at `level` and above; `restore()` puts the defaults back. */
export function captureLogs(level: LogLevel = 'debug'): { records: LogRecord[]; restore: () => void } {
  const records: LogRecord[] = [];
  resetLogging({});
  setLogSink((record) => records.push(record));
  setLogLevel('', level);
  return { records, restore: () => resetLogging({}) };
}

/** Polls `predicate` every 5 ms; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A plain `ws` client that records the exact bytes of every frame it receives. */
export async function rawClient(url: string, options: WebSocket.ClientOptions = {}) {
  const socket = new WebSocket(url, options);
  const received: Buffer[] = [];
  socket.on('message', (data) => received.push(data as Buffer));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await once(socket, 'open');
  return {
    socket,
    received,
    closed,
    json: () => received.map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>),
    /** Sends text and returns its exact byte length. */
    send(text: string): number {
      socket.send(text);
      return Buffer.byteLength(text);
    },
    async close(): Promise<void> {
      if (socket.readyState !== WebSocket.CLOSED) {
        socket.close();
        await closed;
      }
    },
  };
}

/**
 * A plain `ws` server speaking the protocol by hand, for testing the client against a peer that is
 * not ours: answers `echo` and records the exact bytes of every frame it receives and sends.
 */
export async function rawServer(options: { autoPong?: boolean; port?: number } = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, autoPong: options.autoPong ?? true });
  await once(wss, 'listening');
  const received: Buffer[] = [];
  const sent: string[] = [];
  const sockets = new Set<WebSocket>();
  const headers: Array<Record<string, string | string[] | undefined>> = [];
  wss.on('connection', (socket, req) => {
    headers.push(req.headers);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      received.push(data as Buffer);
      const frame = JSON.parse((data as Buffer).toString('utf8')) as { id: number; op: string; payload: unknown };
      if (frame.op === 'echo') {
        const text = JSON.stringify({ id: frame.id, ok: true, result: frame.payload });
        sent.push(text);
        socket.send(text);
      }
    });
  });
  const port = (wss.address() as { port: number }).port;
  return {
    wss,
    port,
    url: `ws://127.0.0.1:${port}`,
    received,
    sent,
    sockets,
    headers,
    send(text: string): void {
      sent.push(text);
      for (const s of sockets) s.send(text);
    },
    async close(): Promise<void> {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
