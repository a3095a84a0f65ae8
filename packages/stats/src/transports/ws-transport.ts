// One persistent WebSocket to /v1/ws: each batch is a signed text frame the server acks by id.
// A missing ack within the timeout counts as a network error (retried by the client); a closed
// connection is reopened on the next send, the client's backoff spacing the attempts.
import WebSocket from 'ws';
import { encodeBatch, encodeWsFrame, newBatchId, signBatch, WS_PATH } from '@sightline/stats-protocol';
import { canSplit, type Batch } from '../batch.js';
import { StatsTransportError } from '../errors.js';
import { resultForStatus, tooLarge, type SignedTransportOptions } from './http-transport.js';
import type { SendResult, Transport } from './transport.js';
import { errorText, settleWithin } from '@sightline/core/internal';

/** How long `close()` waits for the server's side of the WebSocket close handshake. */
const CLOSE_HANDSHAKE_MS = 1000;

interface PendingAck {
  readonly resolve: (result: SendResult) => void;
  readonly timer: NodeJS.Timeout;
}

export class WsTransport implements Transport {
  readonly protocol = 'ws';
  readonly target: string;
  readonly #secret: string;
  readonly #options: SignedTransportOptions;
  readonly #bodies = new WeakMap<Batch, string>();
  readonly #pending = new Map<number, PendingAck>();
  #socket: WebSocket | undefined;
  #connecting: Promise<WebSocket> | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: SignedTransportOptions) {
    this.#options = options;
    this.#secret = options.secret;
    this.target = `${options.tls ? 'wss' : 'ws'}://${options.host}:${options.port}${WS_PATH}`;
  }

  async send(batch: Batch): Promise<SendResult> {
    let socket: WebSocket;
    try {
      socket = await this.connect();
    } catch (error) {
      return {
        ok: false,
        error: new StatsTransportError('network', `${this.target}: cannot connect: ${errorText(error)}`, { cause: error }),
      };
    }
    let body = this.#bodies.get(batch);
    if (body === undefined) {
      // One id per batch, kept across retries: the server applies a batch once (409 on a replay).
      body = encodeBatch(batch.metrics, newBatchId());
      this.#bodies.set(batch, body);
    }
    const timestamp = String(Date.now());
    const id = this.#nextId++;
    const frame = encodeWsFrame({ id, timestamp, signature: signBatch(this.#secret, timestamp, body), body });
    const max = this.#options.maxBatchBytes;
    const frameBytes = Buffer.byteLength(frame);
    if (frameBytes > max && canSplit(batch)) return tooLarge(this.target, frameBytes, max);
    const timeoutMs = this.#options.timeoutMs;
    return new Promise<SendResult>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ ok: false, error: new StatsTransportError('network', `${this.target}: no ack for batch ${id} within ${timeoutMs} ms`) });
        // Acks may be stuck behind a broken connection: start again on the next send.
        socket.terminate();
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
      socket.send(frame, (error) => {
        if (!error) return;
        const pending = this.#pending.get(id);
        if (!pending) return;
        clearTimeout(pending.timer);
        this.#pending.delete(id);
        resolve({ ok: false, error: new StatsTransportError('network', `${this.target}: ${error.message}`, { cause: error }) });
      });
    });
  }

  private connect(): Promise<WebSocket> {
    if (this.#closed) return Promise.reject(new Error('transport closed'));
    if (this.#socket && this.#socket.readyState === WebSocket.OPEN) return Promise.resolve(this.#socket);
    if (this.#connecting) return this.#connecting;
    const timeoutMs = this.#options.timeoutMs;
    const connecting = new Promise<WebSocket>((resolve, reject) => {
      let opened = false;
      const failOpen = (error: Error): void => {
        if (opened) return;
        opened = true;
        if (this.#connecting === connecting) this.#connecting = undefined;
        reject(error);
      };
      const socket = new WebSocket(this.target, {
        handshakeTimeout: timeoutMs,
        perMessageDeflate: false,
        ...(this.#options.tlsOptions as WebSocket.ClientOptions | undefined),
      });
      // The connection alone must not keep the process alive: pending acks hold their own timers.
      socket.on('upgrade', (response) => response.socket.unref());
      socket.once('open', () => {
        if (opened) return;
        opened = true;
        if (this.#connecting === connecting) this.#connecting = undefined;
        if (this.#closed) {
          socket.terminate();
          reject(new Error('transport closed'));
          return;
        }
        this.#socket = socket;
        resolve(socket);
      });
      socket.on('message', (data) => this.onAck(data));
      socket.on('error', (error) => failOpen(error));
      socket.on('close', (code) => {
        failOpen(new Error(`closed before opening (${code})`));
        if (this.#socket === socket) {
          this.#socket = undefined;
          // 1009: a frame was over the server's limit; the queue splits the batch and resends.
          this.failPending(`connection closed (${code})`, code === 1009 ? 'too-large' : 'network');
        }
      });
    });
    this.#connecting = connecting;
    return this.#connecting;
  }

  private onAck(data: WebSocket.RawData): void {
    let ack: { id?: unknown; status?: unknown; accepted?: unknown; rejected?: unknown; error?: unknown; errors?: unknown };
    try {
      ack = JSON.parse(rawText(data)) as typeof ack;
    } catch {
      return;
    }
    if (typeof ack.id !== 'number') return;
    const pending = this.#pending.get(ack.id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(ack.id);
    pending.resolve(resultForStatus(typeof ack.status === 'number' ? ack.status : 0, ack, this.target));
  }

  private failPending(why: string, kind: 'network' | 'too-large' = 'network'): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve({ ok: false, error: new StatsTransportError(kind, `${this.target}: ${why} before the ack of batch ${id}`) });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    this.failPending('transport closed');
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close(1000);
    // A server that never answers the close handshake gets a second, then the socket is cut.
    const { timedOut } = await settleWithin(closed, CLOSE_HANDSHAKE_MS);
    if (timedOut) socket.terminate();
  }
}

/** A frame's bytes as text, however `ws` delivered them. */
function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}
