// Where and how a batch travels: the protocol version, the paths and the headers, for both ends.

/** The batch body's `"v"`, and the `v1` of the paths and of the signature scheme. */
export const PROTOCOL_VERSION = 1;

/** `POST` one signed batch per request. */
export const BATCH_PATH = '/v1/batch';
/** One persistent WebSocket, one signed batch per text frame. */
export const WS_PATH = '/v1/ws';

/** Unix milliseconds as a decimal string. */
export const TIMESTAMP_HEADER = 'x-sightline-timestamp';
/** `v1=` + hex HMAC-SHA256; see `signBatch`. */
export const SIGNATURE_HEADER = 'x-sightline-signature';
/** The content type of a batch request body: JSON. */
export const BATCH_CONTENT_TYPE = 'application/json';

/** The largest batch body (http) or frame (ws) a server takes by default; clients cut batches to fit it. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
