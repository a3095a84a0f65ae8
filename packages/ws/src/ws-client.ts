// The request/response WebSocket client: requests with timeouts, push listeners, reconnection with
// backoff and jitter, heartbeat, and every connection, frame, request and failure reported through
// MetricsHooks.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import WebSocket, { type RawData } from 'ws';
import { type HookDispatcher, toDispatcher } from '@sightline/core';
import { backoffDelay, describeValue, errorText, settleWithin, type ResolvedOf } from '@sightline/core/internal';
import { formatAddress, redactUrl } from './address.js';
import { ConnectionClosedError, RemoteError, RequestTimeoutError, WsConfigError, WsConnectError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import {
  REQUEST_SHAPE,
  resolveWsOptions,
  WS_CLIENT_SHAPE,
  type RECONNECT_SHAPE,
  type RequestOptions,
  type WsClientOptions,
} from './options.js';
import { CLOSE_CODES, parseIncoming, PROTOCOL_ERROR_TYPES, RESERVED_OPS } from './protocol.js';

import { clientLog as log, wsLog } from './loggers.js';

/** Receives a push: its payload and op. */
export type PushListener = (payload: unknown, op: string) => void;

/**
 * `idle`: not connected yet (or the first `connect()` failed); `connecting`: first attempt running;
 * `open`; `reconnecting`: the link dropped and a new one is being made; `closed`: `close()` was called
 * or reconnection gave up.
 */
export type WsClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** How long close() waits for the server's half of the closing handshake before cutting the socket. */
const CLOSE_GRACE_MS = 1_000;

interface Pending {
  readonly op: string;
  readonly start: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

type Reconnect = ResolvedOf<typeof RECONNECT_SHAPE>;

/** The reconnection options, refused when the delays are the wrong way round. */
function checkReconnect(reconnect: Reconnect | false): Reconnect | undefined {
  if (reconnect === false) return undefined;
  if (reconnect.maxDelayMs < reconnect.initialDelayMs) {
    throw new WsConfigError(
      `invalid option \`reconnect.maxDelayMs\` in new WsClient(): expected at least reconnect.initialDelayMs (${reconnect.initialDelayMs}), got ${reconnect.maxDelayMs}`,
      { option: 'reconnect.maxDelayMs', source: 'new WsClient()', value: reconnect.maxDelayMs },
    );
  }
  return reconnect;
}

function validateUrl(url: unknown): string {
  if (typeof url !== 'string') throw new WsConfigError(`Invalid url ${describeValue(url)}: expected a ws:// or wss:// URL string`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WsConfigError(`Invalid url ${JSON.stringify(redactUrl(url))}: expected a ws:// or wss:// URL`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new WsConfigError(`Invalid url protocol ${JSON.stringify(parsed.protocol)}: expected ws: or wss:`);
  }
  return url;
}

/**
 * A WebSocket client speaking the request/reply/push protocol of `createWsServer()`: requests by op with
 * timeouts, pushes to listeners, reconnection with backoff, heartbeats, and the metrics hooks fired for each.
 */
export class WsClient {
  /** Creates a client and resolves once it is connected: `await using ws = await WsClient.connect(url)`. */
  static async connect(url: string, options: WsClientOptions = {}): Promise<WsClient> {
    const client = new WsClient(url, options);
    await client.connect();
    return client;
  }

  /** The URL the client connects to, as given. */
  readonly url: string;
  private readonly safeUrl: string;
  private readonly dispatch: HookDispatcher;
  private readonly requestTimeoutMs: number;
  private readonly reconnectOptions: Reconnect | undefined;
  private readonly socketOptions: WebSocket.ClientOptions;
  private readonly heartbeat: Heartbeat;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<PushListener>>();
  private waiters: Waiter[] = [];
  private socket: WebSocket | undefined;
  private remoteAddr = '';
  private current: WsClientState = 'idle';
  private nextId = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private firstConnect: Waiter | undefined;
  private closing: Promise<void> | undefined;

  /** Creates a client without connecting; call `connect()`, or use the static `WsClient.connect(url)`. */
  constructor(url: string, options: WsClientOptions = {}) {
    this.url = validateUrl(url);
    this.safeUrl = redactUrl(url);
    const resolved = resolveWsOptions(WS_CLIENT_SHAPE, options, 'new WsClient()');
    this.dispatch = toDispatcher(resolved.hooks);
    this.requestTimeoutMs = resolved.requestTimeoutMs;
    this.reconnectOptions = checkReconnect(resolved.reconnect);
    this.socketOptions = Object.freeze({
      perMessageDeflate: false,
      maxPayload: resolved.maxPayloadBytes,
      handshakeTimeout: resolved.connectTimeoutMs,
      ...(resolved.headers ? { headers: { ...resolved.headers } } : {}),
    });
    this.heartbeat = new Heartbeat(resolved.heartbeatIntervalMs, (socket) => {
      this.dispatch.onError(RESERVED_OPS.connection, PROTOCOL_ERROR_TYPES.heartbeatTimeout);
      socket.terminate();
    });
  }

  /** Where the client is in its life; see `WsClientState`. */
  get state(): WsClientState {
    return this.current;
  }

  /**
   * Opens the connection. Resolves when it is open; rejects with `WsConnectError` if this first
   * attempt fails (no reconnection is attempted for it, so a wrong URL fails fast).
   */
  connect(): Promise<void> {
    switch (this.current) {
      case 'open':
        return Promise.resolve();
      case 'closed':
        return Promise.reject(new ConnectionClosedError('(connect)', 'WsClient is closed; create a new one'));
      case 'connecting':
      case 'reconnecting':
        return this.whenOpen();
      case 'idle':
        return new Promise<void>((resolve, reject) => {
          this.firstConnect = { resolve, reject };
          this.current = 'connecting';
          this.open();
        });
    }
  }

  /**
   * Resolves when the connection is (or next becomes) open; rejects with `ConnectionClosedError` if the
   * client is closed or gives up reconnecting first.
   */
  whenOpen(): Promise<void> {
    if (this.current === 'open') return Promise.resolve();
    if (this.current === 'closed') return Promise.reject(new ConnectionClosedError('(connect)', 'WsClient is closed'));
    if (this.current === 'idle') return this.connect();
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Sends `{ id, op, payload }` and resolves with the reply's `result`. Rejects with `RemoteError` for
   * an error reply, `RequestTimeoutError` past the timeout, and `ConnectionClosedError` when the client
   * is not connected or the link drops before the reply.
   */
  request<T = unknown>(op: string, payload?: unknown, options?: RequestOptions): Promise<T> {
    if (typeof op !== 'string' || op === '') {
      return Promise.reject(new TypeError(`request op must be a non-empty string, got ${describeValue(op)}`));
    }
    const socket = this.socket;
    if (this.current !== 'open' || !socket) {
      this.dispatch.onError(op, 'ConnectionClosedError');
      return Promise.reject(new ConnectionClosedError(op, `Request ${JSON.stringify(op)} not sent: WsClient is ${this.current}`));
    }
    // Most requests pass no options: they skip the check, which allocates.
    const given = options === undefined ? undefined : resolveWsOptions(REQUEST_SHAPE, options, `request(${JSON.stringify(op)})`).timeoutMs;
    const timeoutMs = given ?? this.requestTimeoutMs;
    const id = ++this.nextId;
    let text: string;
    try {
      text = JSON.stringify({ id, op, payload });
    } catch (error) {
      // JSON.stringify throws a TypeError (a BigInt, a cycle); a payload's toJSON may throw anything.
      const failure =
        error instanceof Error ? error : new TypeError(`payload of ${JSON.stringify(op)} cannot be sent: ${errorText(error)}`);
      this.dispatch.onError(op, failure.name || 'TypeError');
      return Promise.reject(failure);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.timeout(id, timeoutMs), timeoutMs);
      this.pending.set(id, { op, start: performance.now(), resolve: resolve as (v: unknown) => void, reject, timer });
      socket.send(text);
      this.dispatch.onWsMessageSent(op, Buffer.byteLength(text));
      if (wsLog.isEnabled('debug')) wsLog.debug('frame sent', { side: 'client', op, frame: text });
    });
  }

  /** Listens for pushes of `op`; returns a function that stops listening. */
  on(op: string, listener: PushListener): () => void {
    if (typeof op !== 'string' || op === '') throw new TypeError(`on() op must be a non-empty string, got ${describeValue(op)}`);
    if (typeof listener !== 'function') throw new TypeError(`on() listener must be a function, got ${describeValue(listener)}`);
    let set = this.listeners.get(op);
    if (!set) this.listeners.set(op, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(op) === set) this.listeners.delete(op);
    };
  }

  /**
   * Closes the connection (code 1000) and stops reconnecting; requests still waiting reject with
   * `ConnectionClosedError`. Resolves once the socket is closed. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Closes the client, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shutdown(): Promise<void> {
    const wasOpen = this.current === 'open';
    this.current = 'closed';
    clearTimeout(this.reconnectTimer);
    this.heartbeat.stop();
    const error = () => new ConnectionClosedError('(connect)', 'WsClient was closed');
    this.firstConnect?.reject(error());
    this.firstConnect = undefined;
    this.settleWaiters(error());
    this.rejectPending('WsClient was closed', CLOSE_CODES.normal);
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = once(socket, 'close');
      socket.close(CLOSE_CODES.normal);
      if ((await settleWithin(closed, CLOSE_GRACE_MS, { unref: true })).timedOut) {
        socket.terminate();
        await closed;
      }
    }
    if (wasOpen) log.info('client closed', { url: this.safeUrl });
  }

  private open(): void {
    const socket = new WebSocket(this.url, this.socketOptions);
    this.socket = socket;
    let opened = false;
    let addr = '';
    let failure: Error | undefined;
    socket.on('upgrade', (res: IncomingMessage) => {
      addr = formatAddress(res.socket.remoteAddress, res.socket.remotePort);
    });
    socket.on('open', () => {
      opened = true;
      this.remoteAddr = addr;
      this.onOpen(socket);
    });
    socket.on('message', (data) => this.onFrame(data));
    socket.on('error', (error) => {
      // The close event follows and does the work; here only the reason is kept for the log.
      if (log.isEnabled('debug')) log.debug('socket error', { url: this.safeUrl, error: error.message });
      failure ??= error;
    });
    socket.on('close', (code, reason) => this.onClose(socket, opened, addr, code, reason.toString(), failure));
  }

  private onOpen(socket: WebSocket): void {
    if (this.current === 'closed') return; // close() raced the handshake; shutdown() closes it
    const reconnected = this.current === 'reconnecting';
    this.current = 'open';
    this.heartbeat.add(socket);
    this.dispatch.onWsConnect(this.remoteAddr);
    if (reconnected) log.info('reconnected', { url: this.safeUrl, attempts: this.attempt });
    wsLog.info('connection opened', { side: 'client', url: this.safeUrl, remoteAddr: this.remoteAddr });
    this.attempt = 0;
    this.firstConnect?.resolve();
    this.firstConnect = undefined;
    this.settleWaiters();
  }

  private onClose(socket: WebSocket, opened: boolean, addr: string, code: number, reason: string, failure: Error | undefined): void {
    if (this.socket === socket) this.socket = undefined;
    if (opened) {
      this.heartbeat.delete(socket);
      this.dispatch.onWsDisconnect(addr);
      wsLog.info('connection closed', { side: 'client', remoteAddr: addr, code });
      this.rejectPending(`Connection closed (code ${code}) before the reply`, code);
    }
    if (this.current === 'closed') return;

    if (!opened && this.current === 'connecting') {
      // The first attempt failed: connect() and whenOpen() callers learn why; no reconnection.
      this.current = 'idle';
      const error = new WsConnectError(this.safeUrl, failure ?? new Error(`closed with code ${code}${reason ? `: ${reason}` : ''}`));
      this.firstConnect?.reject(error);
      this.firstConnect = undefined;
      this.settleWaiters(error);
      return;
    }
    if (opened) {
      const fields = { url: this.safeUrl, remoteAddr: addr, code, reason };
      if (code === CLOSE_CODES.normal || code === CLOSE_CODES.goingAway) log.warn('server closed the connection', fields);
      else log.error('connection lost', fields);
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const options = this.reconnectOptions;
    if (!options || this.attempt >= options.maxAttempts) {
      this.current = 'closed';
      if (options) log.error('reconnection gave up', { url: this.safeUrl, attempts: this.attempt });
      this.settleWaiters(new ConnectionClosedError('(connect)', 'Connection lost and not reconnecting'));
      return;
    }
    const delayMs = backoffDelay(this.attempt, options);
    if (this.attempt === 0) log.warn('reconnecting', { url: this.safeUrl, delayMs });
    else log.debug('reconnection attempt failed; retrying', { url: this.safeUrl, attempt: this.attempt, delayMs });
    this.current = 'reconnecting';
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.current !== 'reconnecting') return;
      log.debug('reconnection attempt', { url: this.safeUrl, attempt: this.attempt });
      this.open();
    }, delayMs);
  }

  private settleWaiters(error?: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private rejectPending(message: string, code: number): void {
    if (this.pending.size === 0) return;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      this.dispatch.onError(p.op, 'ConnectionClosedError');
      p.reject(new ConnectionClosedError(p.op, `Request ${JSON.stringify(p.op)} failed: ${message}`, code));
    }
  }

  private timeout(id: number, timeoutMs: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.dispatch.onError(p.op, 'RequestTimeoutError');
    log.warn('request timed out', { op: p.op, id, timeoutMs });
    p.reject(new RequestTimeoutError(p.op, timeoutMs));
  }

  private onFrame(data: RawData): void {
    const buf = data as Buffer; // binaryType is 'nodebuffer': always one Buffer
    const bytes = buf.length;
    const parsed = parseIncoming(buf.toString('utf8'));
    if (parsed.kind === 'reply') {
      const { frame } = parsed;
      const p = frame.id === null ? undefined : this.pending.get(frame.id as number);
      if (!p) {
        this.dispatch.onWsMessageRecv(RESERVED_OPS.unmatched, bytes);
        if (frame.ok) log.debug('reply for a request no longer waiting; dropped', { id: frame.id });
        else log.warn('server rejected a frame', { id: frame.id, errorType: frame.error.type, message: frame.error.message });
        return;
      }
      this.pending.delete(frame.id as number);
      clearTimeout(p.timer);
      this.dispatch.onWsMessageRecv(p.op, bytes);
      if (frame.ok) {
        this.dispatch.onRequest(p.op, (performance.now() - p.start) / 1000);
        p.resolve(frame.result);
      } else {
        this.dispatch.onError(p.op, frame.error.type);
        p.reject(new RemoteError(p.op, frame.error.type, frame.error.message));
      }
      return;
    }
    if (parsed.kind === 'push') {
      const { op, payload } = parsed.frame;
      this.dispatch.onWsMessageRecv(op, bytes);
      if (wsLog.isEnabled('debug')) wsLog.debug('push received', { side: 'client', op, bytes });
      const set = this.listeners.get(op);
      if (!set) return;
      for (const listener of set) {
        try {
          listener(payload, op);
        } catch (error) {
          log.error('push listener threw; ignored', { op, error: errorText(error) });
        }
      }
      return;
    }
    this.dispatch.onWsMessageRecv(RESERVED_OPS.invalid, bytes);
    this.dispatch.onError(RESERVED_OPS.invalid, PROTOCOL_ERROR_TYPES.malformedFrame);
    log.warn('unreadable frame from server', { message: parsed.message, bytes });
  }
}
