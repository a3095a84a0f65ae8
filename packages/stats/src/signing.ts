// HMAC-SHA256 batch signing (stats protocol v1): the secret never travels, the signature covers
// the timestamp and the exact body bytes, and verification is timing-safe with a freshness window.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';
export const DEFAULT_MAX_SKEW_MS = 300_000;

/** `"v1=" + hex(HMAC-SHA256(secret, timestamp + "." + body))`. */
export function signBatch(secret: string | Buffer, timestamp: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(timestamp);
  hmac.update('.');
  hmac.update(body);
  return `${SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

export interface VerifyOptions {
  /** Current time in ms; defaults to `Date.now()`. */
  readonly now?: number;
  readonly maxSkewMs?: number;
}

/**
 * True when `signature` was made over `timestamp` and `body` with one of `secrets` and the
 * timestamp is within `maxSkewMs` of now. Every secret is compared in constant time.
 */
export function verifyBatchSignature(
  secrets: readonly (string | Buffer)[],
  timestamp: string | undefined,
  body: string | Uint8Array,
  signature: string | undefined,
  options: VerifyOptions = {},
): boolean {
  if (timestamp === undefined || signature === undefined || !/^\d{1,16}$/.test(timestamp)) return false;
  const now = options.now ?? Date.now();
  if (Math.abs(now - Number(timestamp)) > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) return false;
  const given = Buffer.from(signature, 'utf8');
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signBatch(secret, timestamp, body), 'utf8');
    // Compare every secret (no early exit) so timing does not reveal which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
