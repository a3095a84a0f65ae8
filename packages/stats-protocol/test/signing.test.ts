import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { signBatch, verifySignature, type VerifySignatureInput } from '../src/index.js';

const NOW = 1_700_000_000_000;

const verify = (
  secrets: readonly string[],
  timestamp: string | undefined,
  body: string | Uint8Array,
  signature: string | undefined,
  maxSkewMs?: number,
) => {
  const input: VerifySignatureInput = {
    secrets,
    timestamp,
    body,
    signature,
    nowMs: NOW,
    ...(maxSkewMs === undefined ? {} : { maxSkewMs }),
  };
  return verifySignature(input);
};

describe('HMAC batch signing: sign -> verify', () => {
  it('is v1= and the hex HMAC-SHA256 of "timestamp.body"', () => {
    const expected = createHmac('sha256', 'k').update('1700000000000.{"v":1,"metrics":[]}').digest('hex');
    expect(signBatch('k', '1700000000000', '{"v":1,"metrics":[]}')).toBe(`v1=${expected}`);
    expect(signBatch('k', '1', 'b')).toBe('v1=' + createHmac('sha256', 'k').update('1.b').digest('hex'));
  });

  it('round trip: what is signed verifies, with any of several secrets (rotation)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ maxLength: 512 }),
        fc.integer({ min: -300_000, max: 300_000 }),
        (secret, body, skew) => {
          const ts = String(NOW + skew);
          const sig = signBatch(secret, ts, body);
          expect(verify([secret], ts, body, sig)).toBe('ok');
          expect(verify(['old-secret', secret], ts, body, sig)).toBe('ok');
          expect(verify([secret, 'new-secret'], ts, body, sig)).toBe('ok');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any byte changed in the body, the signature or the timestamp fails verification', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('body', 'signature', 'timestamp'),
        (secret, body, at, delta, target) => {
          const ts = String(NOW);
          const sig = signBatch(secret, ts, body);
          if (target === 'body') {
            const changed = Uint8Array.from(body);
            changed[at % changed.length] = (changed[at % changed.length]! + delta) % 256;
            return verify([secret], ts, changed, sig) === 'mismatch';
          }
          if (target === 'signature') {
            const bytes = Buffer.from(sig);
            const i = at % bytes.length;
            bytes[i] = (bytes[i]! + delta) % 256;
            const changed = bytes.toString('latin1');
            // An upper-case hex digit is the same digest; any other change is refused.
            if (changed.toLowerCase() === sig) return verify([secret], ts, body, changed) === 'ok';
            return verify([secret], ts, body, changed) !== 'ok';
          }
          const changedTs = String(NOW + 1 + (at % 1000));
          return verify([secret], changedTs, body, sig) === 'mismatch';
        },
      ),
    );
  });

  it('a different secret fails', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string(), (a, b, body) => {
        fc.pre(a !== b);
        return verify([b], String(NOW), body, signBatch(a, String(NOW), body)) === 'mismatch';
      }),
    );
  });

  it('rejects stale or future timestamps past maxSkewMs, and missing or malformed parts', () => {
    const sig = (ts: string) => signBatch('k', ts, 'b');
    expect(verify(['k'], String(NOW - 300_001), 'b', sig(String(NOW - 300_001)))).toBe('stale');
    expect(verify(['k'], String(NOW + 300_001), 'b', sig(String(NOW + 300_001)))).toBe('stale');
    expect(verify(['k'], String(NOW - 10_000), 'b', sig(String(NOW - 10_000)), 5_000)).toBe('stale');
    expect(verify(['k'], undefined, 'b', sig('1'))).toBe('missing');
    expect(verify(['k'], String(NOW), 'b', undefined)).toBe('missing');
    expect(verify(['k'], '12abc', 'b', sig('12abc'))).toBe('malformed');
    expect(verify([], String(NOW), 'b', sig(String(NOW)))).toBe('mismatch');
  });
});
