// The wire protocol: JSON text frames. Requests carry an id, replies echo it, pushes have none.

/** Client to server: run `op` with `payload` and reply with the same `id`. */
export interface RequestFrame {
  /** Chosen by the client; the reply carries it back. */
  readonly id: RequestId;
  /** The operation to run: a key of the server's handlers. */
  readonly op: string;
  /** The operation's argument, any JSON value. */
  readonly payload?: unknown;
}

/** Server to client: the request with this id succeeded. */
export interface SuccessReplyFrame {
  /** The id of the request this answers. */
  readonly id: RequestId;
  /** Marks a success. */
  readonly ok: true;
  /** What the handler returned, as JSON. */
  readonly result?: unknown;
}

/** Server to client: the request with this id failed (`id` is null when the frame had no readable id). */
export interface ErrorReplyFrame {
  /** The id of the request this answers, or null when it had no readable id. */
  readonly id: RequestId | null;
  /** Marks a failure. */
  readonly ok: false;
  /** The error's type (class name or protocol error) and message. */
  readonly error: { readonly type: string; readonly message: string };
}

/** Server to client, unsolicited: no id, no reply expected. */
export interface PushFrame {
  /** What the push is about, e.g. `price`. */
  readonly op: string;
  /** The pushed value, any JSON value. */
  readonly payload?: unknown;
}

/** A reply from the server: success or error. */
export type ReplyFrame = SuccessReplyFrame | ErrorReplyFrame;
/** A request's id: a string or a finite number. */
export type RequestId = string | number;

/**
 * Op names the hooks receive for traffic that has no op of its own. A server never reports an op a
 * client merely claimed (an unknown op or a malformed frame), so a misbehaving peer cannot inflate
 * the cardinality of metrics labelled by op.
 */
export const RESERVED_OPS = Object.freeze({
  /** Server: a frame that was not JSON, lacked an id or op, named an unknown op, or was oversize. */
  invalid: '(invalid)',
  /** Client: a reply whose request is no longer waiting (it timed out), or a frame it could not read. */
  unmatched: '(unmatched)',
  /** Either side: events of a connection rather than a request (limit reached, heartbeat missed). */
  connection: '(connection)',
} as const);

/** Error types used in error replies and `onError` for protocol-level failures. */
export const PROTOCOL_ERROR_TYPES = Object.freeze({
  malformedFrame: 'MalformedFrameError',
  unknownOp: 'UnknownOpError',
  payloadTooLarge: 'PayloadTooLargeError',
  connectionLimit: 'ConnectionLimitError',
  heartbeatTimeout: 'HeartbeatTimeoutError',
  tooManyInFlight: 'TooManyInFlightError',
} as const);

/** WebSocket close codes this package sends. */
export const CLOSE_CODES = Object.freeze({
  normal: 1000,
  goingAway: 1001,
  /** Sent by `ws` when a frame exceeds `maxPayloadBytes`. */
  messageTooBig: 1009,
  /** Sent to a connection past `maxConnections`: "try again later". */
  tryAgainLater: 1013,
} as const);

/** A frame the server read: a usable request, or why it is not one. */
export type ParsedRequest =
  | { readonly ok: true; readonly id: RequestId; readonly op: string; readonly payload: unknown }
  | { readonly ok: false; readonly id: RequestId | null; readonly message: string };

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Reads a request frame; never throws. */
export function parseRequest(text: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, id: null, message: 'frame is not valid JSON: expected {"id","op","payload"}' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, id: null, message: 'frame is not a JSON object: expected {"id","op","payload"}' };
  }
  const frame = value as { id?: unknown; op?: unknown; payload?: unknown };
  const id = isRequestId(frame.id) ? frame.id : null;
  if (id === null) {
    return { ok: false, id: null, message: 'frame has no valid "id": expected a string or a finite number' };
  }
  if (typeof frame.op !== 'string' || frame.op === '') {
    return { ok: false, id, message: 'frame has no valid "op": expected a non-empty string' };
  }
  return { ok: true, id, op: frame.op, payload: frame.payload };
}

/** A frame the client read: a reply, a push, or neither. */
export type ParsedIncoming =
  | { readonly kind: 'reply'; readonly frame: ReplyFrame }
  | { readonly kind: 'push'; readonly frame: PushFrame }
  | { readonly kind: 'invalid'; readonly message: string };

/** Reads a frame from the server; never throws. */
export function parseIncoming(text: string): ParsedIncoming {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', message: 'frame is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'invalid', message: 'frame is not a JSON object' };
  }
  const frame = value as Record<string, unknown>;
  if (frame.ok === true && isRequestId(frame.id)) return { kind: 'reply', frame: frame as unknown as SuccessReplyFrame };
  if (frame.ok === false && (isRequestId(frame.id) || frame.id === null)) {
    const error = frame.error as { type?: unknown; message?: unknown } | null | undefined;
    return {
      kind: 'reply',
      frame: {
        id: frame.id,
        ok: false,
        error: {
          type: typeof error?.type === 'string' ? error.type : 'Error',
          message: typeof error?.message === 'string' ? error.message : '',
        },
      },
    };
  }
  if (frame.id === undefined && typeof frame.op === 'string' && frame.op !== '') {
    return { kind: 'push', frame: frame as unknown as PushFrame };
  }
  return { kind: 'invalid', message: 'frame is neither a reply {"id","ok"} nor a push {"op","payload"}' };
}
