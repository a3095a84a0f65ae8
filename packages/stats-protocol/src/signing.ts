// HMAC-SHA256 batch signing: the secret never travels, the signature covers the timestamp and the
// exact body bytes, and verification is timing-safe, signature first, freshness second.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_PREFIX = 'v1=';
/** How far a batch's timestamp may be from the receiver's clock, either way, by default: 5 minutes. */
export const DEFAULT_MAX_SKEW_MS = 300_000;

const SIGNATURE_PATTERN = /^v1=[0-9a-fA-F]{64}$/;
const TIMESTAMP_PATTERN = /^[0-9]{1,16}$/;
const DIGEST_BYTES = 32;

function digest(secret: string | Uint8Array, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(timestamp).update('.').update(body).digest();
}

/** `"v1=" + hex(HMAC-SHA256(secret, timestamp + "." + body))`: the value of `X-Sightline-Signature`. */
export function signBatch(secret: string | Uint8Array, timestamp: string, body: string | Uint8Array): string {
  return SIGNATURE_PREFIX + digest(secret, timestamp, body).toString('hex');
}

/** Why a batch was refused (`ok` when it was not); a server answers 401 for every refusal alike. */
export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch';

/**
 * What `verifySignature()` checks: the secrets accepted, the request's timestamp and signature headers, and
 * the exact body.
 */
export interface VerifySignatureInput {
  /** Every secret currently accepted (rotation: old and new side by side). */
  readonly secrets: readonly (string | Uint8Array)[];
  /** The request's timestamp header (milliseconds since the epoch, as text); undefined when absent. */
  readonly timestamp: string | undefined;
  /** The request's signature header (`v1=<hex>`); undefined when absent. */
  readonly signature: string | undefined;
  /** The exact bytes received. */
  readonly body: string | Uint8Array;
  /** The receiver's clock; `Date.now()` when absent. */
  readonly nowMs?: number;
  /** `DEFAULT_MAX_SKEW_MS` when absent. */
  readonly maxSkewMs?: number;
}

/** A fresh batch id for `encodeBatch`: random, so two batches of the same metrics stay two batches. */
export function newBatchId(): string {
  return randomUUID();
}

/** What `checkSignatureHeaders()` checks before the body arrives: the two headers and the clock. */
export interface SignatureHeaders {
  /** The request's timestamp header (milliseconds since the epoch, as text); undefined when absent. */
  readonly timestamp: string | undefined;
  /** The request's signature header (`v1=<hex>`); undefined when absent. */
  readonly signature: string | undefined;
  /** The receiver's clock; `Date.now()` when absent. */
  readonly nowMs?: number;
  /** `DEFAULT_MAX_SKEW_MS` when absent. */
  readonly maxSkewMs?: number;
}

/**
 * What can be checked before the body arrives: both values present and well-formed, and the
 * timestamp within the freshness window. A receiver refuses a request that fails here without
 * reading (or buffering) its body; `verifySignature` still decides on the whole.
 */
export function checkSignatureHeaders(input: SignatureHeaders): Exclude<SignatureVerdict, 'mismatch'> {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || timestamp === '' || signature === '') return 'missing';
  if (!TIMESTAMP_PATTERN.test(timestamp) || !SIGNATURE_PATTERN.test(signature)) return 'malformed';
  if (!isFresh(timestamp, input.nowMs, input.maxSkewMs)) return 'stale';
  return 'ok';
}

function isFresh(timestamp: string, nowMs: number | undefined, maxSkewMs: number | undefined): boolean {
  return Math.abs((nowMs ?? Date.now()) - Number(timestamp)) <= (maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
}

/**
 * Checks a signature against every accepted secret, then the timestamp's freshness. Each candidate
 * is compared with `timingSafeEqual` and every secret is always tried, so neither the position of
 * a matching secret nor the length of a matching prefix shows in the time taken.
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
  // After the signature, so that a forged timestamp cannot be told apart from a stale one.
  if (!isFresh(timestamp, input.nowMs, input.maxSkewMs)) return 'stale';
  return 'ok';
}
