import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { signBatch, verifyBatchSignature } from '../src/index.js';

const NOW = 1_700_000_000_000;

describe('HMAC batch signing', () => {
  it('is v1= and the hex HMAC-SHA256 of "timestamp.body"', () => {
    const expected = createHmac('sha256', 'k').update('1700000000000.{"v":1,"metrics":[]}').digest('hex');
    expect(signBatch('k', '1700000000000', '{"v":1,"metrics":[]}')).toBe(`v1=${expected}`);
    expect(signBatch('k', '1', 'b')).toBe('v1=' + createHmac('sha256', 'k').update('1.b').digest('hex'));
  });

  it('round trip: what is signed verifies, with any of several secrets (rotation)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 512 }), fc.integer({ min: -300_000, max: 300_000 }), (secret, body, skew) => {
        const ts = String(NOW + skew);
        const sig = signBatch(secret, ts, body);
        return (
          verifyBatchSignature([secret], ts, body, sig, { now: NOW }) &&
          verifyBatchSignature(['old-secret', secret], ts, body, sig, { now: NOW })
        );
      }),
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
            return !verifyBatchSignature([secret], ts, changed, sig, { now: NOW });
          }
          if (target === 'signature') {
            const bytes = Buffer.from(sig);
            const i = at % bytes.length;
            bytes[i] = (bytes[i]! + delta) % 256;
            return !verifyBatchSignature([secret], ts, body, bytes.toString('latin1'), { now: NOW });
          }
          const changedTs = String(NOW + 1 + (at % 1000));
          return !verifyBatchSignature([secret], changedTs, body, sig, { now: NOW });
        },
      ),
    );
  });

  it('a different secret fails', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string(), (a, b, body) => {
        fc.pre(a !== b);
        return !verifyBatchSignature([b], String(NOW), body, signBatch(a, String(NOW), body), { now: NOW });
      }),
    );
  });

  it('rejects stale or future timestamps past maxSkewMs, and missing or malformed parts', () => {
    const sig = (ts: string) => signBatch('k', ts, 'b');
    expect(verifyBatchSignature(['k'], String(NOW - 300_001), 'b', sig(String(NOW - 300_001)), { now: NOW })).toBe(false);
    expect(verifyBatchSignature(['k'], String(NOW + 300_001), 'b', sig(String(NOW + 300_001)), { now: NOW })).toBe(false);
    expect(verifyBatchSignature(['k'], String(NOW - 10_000), 'b', sig(String(NOW - 10_000)), { now: NOW, maxSkewMs: 5_000 })).toBe(false);
    expect(verifyBatchSignature(['k'], undefined, 'b', sig('1'), { now: NOW })).toBe(false);
    expect(verifyBatchSignature(['k'], String(NOW), 'b', undefined, { now: NOW })).toBe(false);
    expect(verifyBatchSignature(['k'], '12abc', 'b', sig('12abc'), { now: NOW })).toBe(false);
    expect(verifyBatchSignature([], String(NOW), 'b', sig(String(NOW)), { now: NOW })).toBe(false);
  });
});
