// The WebSocket envelope: one text frame per batch, `{id, timestamp, signature, body}`, the body
// being the batch JSON as a string (the signature covers those exact bytes).
import { describeValue } from '@sightline/core/internal';
import { isPlainObject } from './is-plain-object.js';

/** The WebSocket envelope of one batch: one text frame, the batch JSON as a string in `body`. */
export interface WsFrame {
  /** Echoed in the ack, so the client can match answers to batches. */
  readonly id: number;
  /** Milliseconds since the epoch, as text; covered by the signature. */
  readonly timestamp: string;
  /** `v1=<hex>`: HMAC-SHA256 of the timestamp and body. */
  readonly signature: string;
  /** The batch JSON, the exact bytes signed. */
  readonly body: string;
}

/** A frame as received: timestamp and signature left undefined when absent or not strings. */
export type WsFrameParseResult =
  | {
      readonly ok: true;
      readonly id: number;
      readonly timestamp: string | undefined;
      readonly signature: string | undefined;
      readonly body: string;
    }
  /** `id` is set when the frame carried a usable one, so the refusal can still be acked. */
  | { readonly ok: false; readonly id: number | null; readonly error: string };

/** Writes a frame as the text sent over the WebSocket. */
export function encodeWsFrame(frame: WsFrame): string {
  return JSON.stringify({ id: frame.id, timestamp: frame.timestamp, signature: frame.signature, body: frame.body });
}

/** Reads a frame received over the WebSocket; never throws. */
export function parseWsFrame(text: string): WsFrameParseResult {
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch (error) {
    return { ok: false, id: null, error: `invalid frame JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isPlainObject(envelope)) {
    return { ok: false, id: null, error: `frame must be a JSON object {id, timestamp, signature, body}, got ${describeValue(envelope)}` };
  }
  const { id, timestamp, signature, body } = envelope;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return { ok: false, id: null, error: `frame "id" must be an integer, got ${describeValue(id)}` };
  }
  if (typeof body !== 'string') {
    return { ok: false, id, error: `frame "body" must be the batch JSON as a string, got ${describeValue(body)}` };
  }
  return {
    ok: true,
    id,
    timestamp: typeof timestamp === 'string' ? timestamp : undefined,
    signature: typeof signature === 'string' ? signature : undefined,
    body,
  };
}
