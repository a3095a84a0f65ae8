// HMAC-SHA256 request signing of the stats wire protocol: "v1=" + hex(HMAC(secret, timestamp + "." + body)).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_PREFIX = 'v1=';
const SIGNATURE_PATTERN = /^v1=[0-9a-fA-F]{64}$/;
const TIMESTAMP_PATTERN = /^[0-9]{1,16}$/;
const DIGEST_BYTES = 32;

/** Signs a batch body the way a client must: the signature to send in `X-Sightline-Signature`. */
export function signBatch(secret: string, timestamp: string, body: string | Uint8Array): string {
  return SIGNATURE_PREFIX + digest(secret, timestamp, body).toString('hex');
}

function digest(secret: string | Uint8Array, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(timestamp).update('.').update(body).digest();
}

/** Why a request was refused; the server answers 401 for every one of them alike. */
export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch';

export interface VerifySignatureInput {
  /** Every secret currently accepted (rotation: old and new side by side). */
  readonly secrets: readonly (string | Uint8Array)[];
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The exact bytes received. */
  readonly body: string | Uint8Array;
  readonly nowMs: number;
  readonly maxSkewMs: number;
}

/**
 * Checks a signature against every accepted secret. Each candidate is compared with
 * `timingSafeEqual` and every secret is always tried, so neither the position of a matching secret
 * nor the length of a matching prefix shows in the time taken.
 */
export function verifySignature(input: VerifySignatureInput): SignatureVerdict {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || timestamp === '' || signature === '') return 'missing';
  if (!TIMESTAMP_PATTERN.test(timestamp) || !SIGNATURE_PATTERN.test(signature)) return 'malformed';
  const given = Buffer.from(signature.slice(SIGNATURE_PREFIX.length), 'hex');
  if (given.length !== DIGEST_BYTES) return 'malformed';
  let matched = false;
  for (const secret of input.secrets) {
    if (timingSafeEqual(digest(secret, timestamp, input.body), given)) matched = true;
  }
  if (!matched) return 'mismatch';
  // Checked after the signature so that a forged timestamp cannot be told apart from a stale one.
  if (Math.abs(input.nowMs - Number(timestamp)) > input.maxSkewMs) return 'stale';
  return 'ok';
}
