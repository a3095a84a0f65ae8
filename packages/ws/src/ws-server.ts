// The request/response WebSocket server: dispatches each request to its op's handler, replies, pushes,
// and reports every connection, frame, request and failure through MetricsHooks.
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { type HookDispatcher, type LogFields, toDispatcher } from '@sightline/core';
import {
  describeValue,
  errorText,
  errorType,
  isPromiseLike,
  listen,
  markToolkitServer,
  settleWithin,
  WarningThrottle,
  type ResolvedOf,
} from '@sightline/core/internal';
import { formatAddress } from './address.js';
import { WsConfigError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { resolveWsOptions, WS_SERVER_SHAPE, type WsServerOptions } from './options.js';
import { CLOSE_CODES, parseRequest, PROTOCOL_ERROR_TYPES, RESERVED_OPS, type RequestId } from './protocol.js';
import { ServerConnection, type WsConnection } from './server-connection.js';

import { serverLog as log, wsLog } from './loggers.js';

/** Handles one op: gets the request's payload and the connection; returns the result or a promise of it. */
export type WsHandler = (payload: unknown, connection: WsConnection) => unknown;

/** Handlers by op name. */
export type WsHandlers = Readonly<Record<string, WsHandler>>;

/** A running WebSocket server made by `createWsServer()`. */
export interface WsServer {
  /** The port the server listens on (of your server, with the `server` option). */
  readonly port: number;
  /** The bound address and port. */
  address(): { readonly host: string; readonly port: number };
  /** Open connections. */
  readonly connections: ReadonlySet<WsConnection>;
  /** Requests whose handlers have not settled, across all connections. */
  readonly inFlight: number;
  /** Requests answered with `TooManyInFlightError` instead of running, past `maxInFlightPerConnection` or `maxInFlight`. */
  readonly requestsRefused: number;
  /** Sends `{ op, payload }` to every open connection; returns how many it was sent to. */
  broadcast(op: string, payload?: unknown): number;
  /**
   * Closes every connection (code 1001), stops listening, and resolves when all is closed. A second
   * call returns the same promise.
   */
  close(): Promise<void>;
  /** `await using server = await createWsServer(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

type Resolved = ResolvedOf<typeof WS_SERVER_SHAPE>;

function resolve(options: WsServerOptions): Resolved {
  const resolved = resolveWsOptions(WS_SERVER_SHAPE, options, 'createWsServer()');
  if ((resolved.port === undefined) === (resolved.server === undefined)) {
    throw new WsConfigError('createWsServer needs exactly one of `port` (a number) or `server` (an http.Server)');
  }
  return resolved;
}

/**
 * Starts a WebSocket request/response server and resolves once it is listening.
 *
 * ```ts
 * const server = await createWsServer({ port: 8080, handlers: { 'order.get': (p) => db.get(p) }, hooks });
 * ```
 */
export async function createWsServer(options: WsServerOptions): Promise<WsServer> {
  const resolved = resolve(options);
  const server = new WsServerImpl(resolved);
  await server.listen(resolved.port, resolved.host);
  return server;
}

function ignore(): void {}

/** One log line per connection and kind of problem in this window; the rest are counted. */
const LOG_WINDOW_MS = 10_000;

class WsServerImpl implements WsServer {
  private readonly dispatch: HookDispatcher;
  private readonly handlers: ReadonlyMap<string, WsHandler>;
  private readonly maxConnections: number;
  private readonly maxInFlightPerConnection: number;
  private readonly maxInFlight: number;
  inFlight = 0;
  requestsRefused = 0;
  private readonly closeTimeoutMs: number;
  private readonly http: HttpServer | HttpsServer;
  private readonly ownsHttp: boolean;
  private readonly wss: WebSocketServer;
  private readonly heartbeat: Heartbeat;
  private readonly conns = new Set<ServerConnection>();
  /** Every upgraded socket, accepted or being refused, so close() can wait for or cut each one. */
  private readonly sockets = new Set<WebSocket>();
  private readonly onConnection: ((c: WsConnection) => void) | undefined;
  private readonly onConnectionClose: ((c: WsConnection, code: number) => void) | undefined;
  private readonly logThrottle = new WarningThrottle(log, { intervalMs: LOG_WINDOW_MS });
  private sequence = 0;
  private refusedInEpisode = 0;
  private closing: Promise<void> | undefined;

  constructor(options: Resolved) {
    this.dispatch = toDispatcher(options.hooks);
    this.handlers = new Map(Object.entries(options.handlers));
    this.maxConnections = options.maxConnections;
    this.maxInFlightPerConnection = options.maxInFlightPerConnection;
    this.maxInFlight = options.maxInFlight;
    this.closeTimeoutMs = options.closeTimeoutMs;
    this.onConnection = options.onConnection;
    this.onConnectionClose = options.onConnectionClose;

    this.ownsHttp = options.server === undefined;
    this.http =
      options.server ??
      createServer((_req, res) => {
        res.writeHead(426, { 'Content-Type': 'text/plain' });
        res.end('Upgrade Required: this endpoint speaks WebSocket only');
      });
    // A server of our own answers plain HTTP with 426 only: not the app's HTTP traffic.
    if (this.ownsHttp) markToolkitServer(this.http);
    this.wss = new WebSocketServer({
      server: this.http,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: false,
      ...(options.path !== undefined ? { path: options.path } : {}),
    });
    this.wss.on('connection', (socket, req) => this.accept(socket, req));
    this.wss.on('error', (error) => log.error('server error', { error: errorText(error) }));
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs, (socket) => {
      this.dispatch.onError(RESERVED_OPS.connection, PROTOCOL_ERROR_TYPES.heartbeatTimeout);
      socket.terminate();
    });
  }

  async listen(port: number | undefined, host: string | undefined): Promise<void> {
    if (!this.ownsHttp) return;
    await listen(this.http, port, host);
    const { host: boundHost, port: boundPort } = this.address();
    log.info('server listening', { address: formatAddress(boundHost, boundPort) });
  }

  get port(): number {
    return this.address().port;
  }

  address(): { host: string; port: number } {
    const a = this.http.address();
    if (a === null || typeof a === 'string') return { host: a ?? '', port: 0 };
    return { host: a.address, port: a.port };
  }

  get connections(): ReadonlySet<WsConnection> {
    return this.conns;
  }

  broadcast(op: string, payload?: unknown): number {
    if (typeof op !== 'string' || op === '') throw new TypeError(`broadcast op must be a non-empty string, got ${describeValue(op)}`);
    const text = JSON.stringify({ op, payload });
    let sent = 0;
    for (const conn of this.conns) if (conn.sendText(op, text)) sent++;
    if (log.isEnabled('debug')) log.debug('broadcast', { op, clients: sent, bytes: Buffer.byteLength(text) });
    return sent;
  }

  private accept(socket: WebSocket, req: IncomingMessage): void {
    const remoteAddr = formatAddress(req.socket.remoteAddress, req.socket.remotePort);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // Every socket gets an error listener, so a refused or late one can never raise an unhandled 'error'.
    socket.on('error', ignore);

    if (this.closing) {
      socket.close(CLOSE_CODES.goingAway, 'server closing');
      return;
    }
    if (this.conns.size >= this.maxConnections) {
      this.refuse(socket, remoteAddr);
      return;
    }
    this.refusedInEpisode = 0;

    const conn = new ServerConnection(++this.sequence, remoteAddr, socket, this.dispatch);
    this.conns.add(conn);
    this.heartbeat.add(socket);
    socket.on('message', (data) => this.onFrame(conn, data));
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.dispatch.onError(RESERVED_OPS.invalid, PROTOCOL_ERROR_TYPES.payloadTooLarge);
        this.logFor(conn, 'payload', 'warn', 'frame over maxPayloadBytes; closing with 1009', { remoteAddr });
      } else {
        this.logFor(conn, `error:${String(error.code)}`, 'warn', 'connection error', {
          remoteAddr,
          error: error.message,
          code: error.code,
        });
      }
    });
    socket.on('close', (code) => {
      this.conns.delete(conn);
      this.heartbeat.delete(socket);
      this.dispatch.onWsDisconnect(remoteAddr);
      wsLog.info('connection closed', { side: 'server', remoteAddr, code });
      for (const kind of conn.logKinds) this.logThrottle.forget(`${conn.id}:${kind}`);
      if (conn.suppressedLogs > 0) {
        log.warn(`connection closed; ${conn.suppressedLogs} more log lines about it were suppressed`, {
          remoteAddr,
          suppressed: conn.suppressedLogs,
        });
      }
      if (this.onConnectionClose) this.callUser('onConnectionClose', () => this.onConnectionClose!(conn, code));
    });

    this.dispatch.onWsConnect(remoteAddr);
    wsLog.info('connection opened', { side: 'server', remoteAddr, connections: this.conns.size });
    if (this.onConnection) this.callUser('onConnection', () => this.onConnection!(conn));
  }

  /** Past the limit: close with 1013. Warns once per episode of refusals, so a flood cannot flood the log. */
  private refuse(socket: WebSocket, remoteAddr: string): void {
    socket.close(CLOSE_CODES.tryAgainLater, 'connection limit reached');
    this.dispatch.onError(RESERVED_OPS.connection, PROTOCOL_ERROR_TYPES.connectionLimit);
    this.refusedInEpisode++;
    const fields = { remoteAddr, maxConnections: this.maxConnections, refused: this.refusedInEpisode };
    if (this.refusedInEpisode === 1) log.warn('connection limit reached; closing new connection with 1013', fields);
    else log.debug('connection refused: limit reached', fields);
  }

  /**
   * Logs a problem with one connection at most once per kind per LOG_WINDOW_MS: a client sending
   * 10,000 bad frames writes one line (then one per window, with the count held back), and the
   * total held back is logged when it closes.
   */
  private logFor(conn: ServerConnection, kind: string, level: 'warn' | 'error', message: string, fields: LogFields): void {
    conn.logKinds.add(kind);
    const held = this.logThrottle.admit(`${conn.id}:${kind}`);
    if (held < 0) {
      conn.suppressedLogs++;
      return;
    }
    log[level](message, held > 0 ? { ...fields, suppressed: held } : fields);
  }

  private callUser(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      log.error(`${what} callback threw; ignored`, { error: errorText(error) });
    }
  }

  private onFrame(conn: ServerConnection, data: RawData): void {
    const buf = data as Buffer; // binaryType is 'nodebuffer': always one Buffer
    const bytes = buf.length;
    const parsed = parseRequest(buf.toString('utf8'));
    if (!parsed.ok) {
      this.reject(conn, parsed.id, bytes, PROTOCOL_ERROR_TYPES.malformedFrame, parsed.message);
      return;
    }
    const { id, op } = parsed;
    const handler = this.handlers.get(op);
    if (!handler) {
      this.reject(conn, id, bytes, PROTOCOL_ERROR_TYPES.unknownOp, `unknown op ${JSON.stringify(op)}`);
      return;
    }
    this.dispatch.onWsMessageRecv(op, bytes);
    if (wsLog.isEnabled('debug')) wsLog.debug('frame received', { side: 'server', op, bytes, frame: buf.toString('utf8') });
    if (conn.inFlight >= this.maxInFlightPerConnection || this.inFlight >= this.maxInFlight) {
      this.overloaded(conn, id, op);
      return;
    }

    const start = performance.now();
    let result: unknown;
    try {
      result = handler(parsed.payload, conn);
    } catch (error) {
      this.fail(conn, id, op, error);
      return;
    }
    if (isPromiseLike(result)) {
      this.started(conn);
      result.then(
        (value) => {
          this.settled(conn);
          this.succeed(conn, id, op, value, start);
        },
        (error: unknown) => {
          this.settled(conn);
          this.fail(conn, id, op, error);
        },
      );
    } else {
      this.succeed(conn, id, op, result, start);
    }
  }

  /** A handler is running: at the connection's limit, stop reading it until one settles (TCP backpressure). */
  private started(conn: ServerConnection): void {
    this.inFlight++;
    if (++conn.inFlight === this.maxInFlightPerConnection) conn.socket.pause();
  }

  private settled(conn: ServerConnection): void {
    this.inFlight--;
    if (conn.inFlight-- === this.maxInFlightPerConnection) conn.socket.resume();
  }

  /** Past an in-flight limit: the request is answered with an error instead of running, and counted. */
  private overloaded(conn: ServerConnection, id: RequestId, op: string): void {
    const type = PROTOCOL_ERROR_TYPES.tooManyInFlight;
    const perConnection = conn.inFlight >= this.maxInFlightPerConnection;
    const message = perConnection
      ? `more than ${this.maxInFlightPerConnection} requests in flight on this connection; retry once replies arrive`
      : `more than ${this.maxInFlight} requests in flight on this server; retry later`;
    this.requestsRefused++;
    this.dispatch.onError(op, type);
    this.logFor(conn, 'in-flight', 'warn', 'request refused: too many in flight', {
      remoteAddr: conn.remoteAddr,
      op,
      ...(perConnection ? { maxInFlightPerConnection: this.maxInFlightPerConnection } : { maxInFlight: this.maxInFlight }),
    });
    conn.sendText(op, JSON.stringify({ id, ok: false, error: { type, message } }));
  }

  private succeed(conn: ServerConnection, id: RequestId, op: string, result: unknown, start: number): void {
    const secs = (performance.now() - start) / 1000;
    let text: string;
    try {
      text = JSON.stringify({ id, ok: true, result });
    } catch (error) {
      // A result JSON cannot carry (a BigInt, a cycle) fails the request like a throwing handler.
      this.fail(conn, id, op, error);
      return;
    }
    this.dispatch.onRequest(op, secs);
    conn.sendText(op, text);
  }

  private fail(conn: ServerConnection, id: RequestId, op: string, error: unknown): void {
    const type = errorType(error);
    // The reply carries the type apart, so its message is the Error's own (text for anything else).
    const message = error instanceof Error ? String(error.message) : errorText(error);
    this.dispatch.onError(op, type);
    this.logFor(conn, `handler:${op}:${type}`, 'error', 'handler failed', { op, remoteAddr: conn.remoteAddr, errorType: type, message });
    conn.sendText(op, JSON.stringify({ id, ok: false, error: { type, message } }));
  }

  /** Bad input: counted under the reserved op, answered with an error reply, connection kept. */
  private reject(conn: ServerConnection, id: RequestId | null, bytes: number, type: string, message: string): void {
    const op = RESERVED_OPS.invalid;
    this.dispatch.onWsMessageRecv(op, bytes);
    this.dispatch.onError(op, type);
    this.logFor(conn, `bad:${type}`, 'warn', 'bad frame', { remoteAddr: conn.remoteAddr, errorType: type, message });
    conn.sendText(op, JSON.stringify({ id, ok: false, error: { type, message } }));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutdown(): Promise<void> {
    this.heartbeat.stop();
    const sockets = [...this.sockets];
    const closed = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) resolve();
          else socket.once('close', () => resolve());
        }),
    );
    for (const socket of sockets) socket.close(CLOSE_CODES.goingAway, 'server closing');
    const allClosed = Promise.all(closed);
    if ((await settleWithin(allClosed, this.closeTimeoutMs)).timedOut) {
      for (const socket of this.sockets) socket.terminate();
      await allClosed;
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.ownsHttp && this.http.listening) {
      await new Promise<void>((resolve) => {
        this.http.close(() => resolve());
        // What is left on our own server is never a request to finish: an upgrade whose headers
        // never ended, or a 426 answer. Waiting would mean waiting for headersTimeout (60 s).
        this.http.closeAllConnections();
      });
    }
    log.info('server closed');
  }
}
