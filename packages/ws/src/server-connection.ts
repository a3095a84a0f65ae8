// One client connection as the server's handlers see it: its address, and a way to push to it.
import type WebSocket from 'ws';
import type { HookDispatcher } from '@sightline/core';
import { describeValue } from '@sightline/core/internal';
import { serverLog as log } from './loggers.js';

/** `WebSocket.OPEN`, without importing the ws value into this file. */
const OPEN = 1;

/** A connected client, passed to every handler and to `onConnection`. */
export interface WsConnection {
  /** Sequence number of the connection within its server, from 1. */
  readonly id: number;
  /** The client's address, `host:port`. */
  readonly remoteAddr: string;
  /** True until the connection starts closing. */
  readonly isOpen: boolean;
  /** Sends `{ op, payload }` to this client. Returns false when the connection is no longer open. */
  push(op: string, payload?: unknown): boolean;
  /** Closes this connection (default code 1000). */
  close(code?: number, reason?: string): void;
}

export class ServerConnection implements WsConnection {
  /** Log lines about this connection held back by the server's throttle, and the kinds it logged. */
  suppressedLogs = 0;
  readonly logKinds = new Set<string>();
  /** Requests of this connection whose handlers have not settled. */
  inFlight = 0;

  constructor(
    readonly id: number,
    readonly remoteAddr: string,
    readonly socket: WebSocket,
    private readonly dispatch: HookDispatcher,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** Sends a serialised frame and reports its byte length under `op`; false when not open. */
  sendText(op: string, text: string): boolean {
    if (this.socket.readyState !== OPEN) {
      if (log.isEnabled('debug')) log.debug('frame dropped: connection not open', { op, remoteAddr: this.remoteAddr });
      return false;
    }
    this.socket.send(text);
    this.dispatch.onWsMessageSent(op, Buffer.byteLength(text));
    return true;
  }

  push(op: string, payload?: unknown): boolean {
    if (typeof op !== 'string' || op === '') throw new TypeError(`push op must be a non-empty string, got ${describeValue(op)}`);
    const text = JSON.stringify({ op, payload });
    if (log.isEnabled('debug')) log.debug('push', { op, remoteAddr: this.remoteAddr, bytes: Buffer.byteLength(text) });
    return this.sendText(op, text);
  }

  close(code = 1000, reason?: string): void {
    this.socket.close(code, reason);
  }
}
