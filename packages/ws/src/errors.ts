// The errors this package throws or rejects with: one class per failure a caller may handle apart.
import { OptionsError, SightlineError } from '@sightline/core';
import { errorText } from '@sightline/core/internal';

/** Base class of every error from `@sightline/ws`. */
export class WsError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_WS';
}

/** An option given to `createWsServer` or `WsClient` is invalid; the message names it and the expected form. */
export class WsConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_WS_CONFIG';
}

/**
 * The connection a request needed is gone: it dropped while the request was in flight, it was down
 * (reconnecting) when the request was made, or the client was closed. `closeCode` is the WebSocket
 * close code when one was received (1006 when the link broke without one), otherwise undefined.
 */
export class ConnectionClosedError extends WsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_WS_CONNECTION_CLOSED';

  constructor(
    /** The op of the request that lost its connection. */
    readonly op: string,
    message: string,
    /**
     * The WebSocket close code received (1006 when the link broke without one); undefined when none applies.
     */
    readonly closeCode?: number,
  ) {
    super(message);
  }
}

/** No reply arrived within the request timeout. The reply, should it come later, is dropped. */
export class RequestTimeoutError extends WsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_WS_REQUEST_TIMEOUT';

  constructor(
    /** The op of the request that timed out. */
    readonly op: string,
    /** The timeout that expired, in milliseconds. */
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
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_WS_REMOTE';

  constructor(
    /** The op the server answered with an error. */
    readonly op: string,
    /** The server-side error type, e.g. a handler's error class name or `UnknownOpError`. */
    readonly type: string,
    remoteMessage: string,
  ) {
    super(`${type}: ${remoteMessage}`);
  }
}

/** The first connection attempt of `connect()` failed; `cause` holds the underlying error. */
export class WsConnectError extends WsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_WS_CONNECT';

  constructor(
    /** The URL the client tried to connect to (credentials removed). */
    readonly url: string,
    cause: unknown,
  ) {
    super(`Could not connect to ${url}: ${cause instanceof Error ? cause.message : errorText(cause)}`, { cause });
  }
}
