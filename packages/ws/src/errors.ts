// The errors this package throws or rejects with: one class per failure a caller may handle apart.
import { OptionsError, SightlineError } from '@sightline/core';

/** Base class of every error from `@sightline/ws`. */
export class WsError extends SightlineError {}

/** An option given to `createWsServer` or `WsClient` is invalid; the message names it and the expected form. */
export class WsConfigError extends OptionsError {}

/**
 * The connection a request needed is gone: it dropped while the request was in flight, it was down
 * (reconnecting) when the request was made, or the client was closed. `code` is the WebSocket close
 * code when one was received (1006 when the link broke without one), otherwise undefined.
 */
export class ConnectionClosedError extends WsError {
  constructor(
    readonly op: string,
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** No reply arrived within the request timeout. The reply, should it come later, is dropped. */
export class RequestTimeoutError extends WsError {
  constructor(
    readonly op: string,
    readonly timeoutMs: number,
  ) {
    super(`Request ${JSON.stringify(op)} got no reply within ${timeoutMs} ms`);
  }
}

/**
 * The server answered `{ ok: false, error: { type, message } }`. `type` is the server-side error type
 * (a handler's error class name, or a protocol error such as `UnknownOpError`).
 */
export class RemoteError extends WsError {
  constructor(
    readonly op: string,
    readonly type: string,
    remoteMessage: string,
  ) {
    super(`${type}: ${remoteMessage}`);
  }
}

/** The first connection attempt of `connect()` failed; `cause` holds the underlying error. */
export class WsConnectError extends WsError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Could not connect to ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
