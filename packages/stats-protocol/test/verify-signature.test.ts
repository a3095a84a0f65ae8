import fc from 'fast-check';
import { BATCH_ID_PATTERN, checkSignatureHeaders, DEFAULT_MAX_SKEW_MS, newBatchId, signBatch, verifySignature } from '../src/index.js';
import { sign } from './helpers.js';

const NOW = 1_700_000_000_000;
const base = { secrets: ['s3cret'], body: '{"v":1,"metrics":[]}', nowMs: NOW, maxSkewMs: 300_000 };

describe('signBatch', () => {
  it('is "v1=" + hex HMAC-SHA256 over timestamp "." body', () => {
    // Vector from: printf '1700000000000.{"v":1,"metrics":[]}' | openssl dgst -sha256 -hmac s3cret
    expect(signBatch('s3cret', '1700000000000', '{"v":1,"metrics":[]}')).toBe(
      'v1=04f3b90646a1b6f80feaa2b6431710b9db28e4c74c4e50edca2fd476f9a8edde',
    );
    expect(signBatch('key', '1700000000000', Buffer.from('h\u00e9llo'))).toBe(sign('key', '1700000000000', 'h\u00e9llo'));
  });
});

describe('verifySignature', () => {
  const ts = String(NOW);
  const good = sign('s3cret', ts, base.body);

  it('accepts a correct signature', () => {
    expect(verifySignature({ ...base, timestamp: ts, signature: good })).toBe('ok');
  });

  it('reports missing headers', () => {
    expect(verifySignature({ ...base, timestamp: undefined, signature: good })).toBe('missing');
    expect(verifySignature({ ...base, timestamp: ts, signature: undefined })).toBe('missing');
    expect(verifySignature({ ...base, timestamp: '', signature: good })).toBe('missing');
  });

  it('reports malformed timestamps and signatures', () => {
    expect(verifySignature({ ...base, timestamp: '17e11', signature: good })).toBe('malformed');
    expect(verifySignature({ ...base, timestamp: ts, signature: good.slice(3) })).toBe('malformed');
    expect(verifySignature({ ...base, timestamp: ts, signature: `${good}00` })).toBe('malformed');
    expect(verifySignature({ ...base, timestamp: ts, signature: `v2=${good.slice(3)}` })).toBe('malformed');
  });

  it('reports a signature made with another secret or over another body', () => {
    expect(verifySignature({ ...base, timestamp: ts, signature: sign('other', ts, base.body) })).toBe('mismatch');
    expect(verifySignature({ ...base, timestamp: ts, signature: sign('s3cret', ts, '{}') })).toBe('mismatch');
    expect(verifySignature({ ...base, timestamp: String(NOW + 1), signature: good })).toBe('mismatch');
  });

  it('accepts the edges of the skew window and refuses past them', () => {
    for (const [delta, verdict] of [
      [300_000, 'ok'],
      [-300_000, 'ok'],
      [300_001, 'stale'],
      [-300_001, 'stale'],
    ] as const) {
      const t = String(NOW + delta);
      expect(verifySignature({ ...base, timestamp: t, signature: sign('s3cret', t, base.body) })).toBe(verdict);
    }
  });

  it('defaults to the clock and a 5-minute window', () => {
    expect(DEFAULT_MAX_SKEW_MS).toBe(300_000);
    const fresh = String(Date.now());
    expect(verifySignature({ secrets: ['s3cret'], body: base.body, timestamp: fresh, signature: sign('s3cret', fresh, base.body) })).toBe(
      'ok',
    );
    const old = String(Date.now() - 301_000);
    expect(verifySignature({ secrets: ['s3cret'], body: base.body, timestamp: old, signature: sign('s3cret', old, base.body) })).toBe(
      'stale',
    );
  });

  it('checks the signature before freshness: a forged old batch is a mismatch, not stale', () => {
    const old = String(NOW - 3_600_000);
    expect(verifySignature({ ...base, timestamp: old, signature: sign('forged', old, base.body) })).toBe('mismatch');
    expect(verifySignature({ ...base, timestamp: old, signature: sign('s3cret', old, base.body) })).toBe('stale');
  });

  it('accepts an upper-case hex digest and secrets given as bytes', () => {
    expect(verifySignature({ ...base, timestamp: ts, signature: `v1=${good.slice(3).toUpperCase()}` })).toBe('ok');
    expect(verifySignature({ ...base, secrets: [Buffer.from('s3cret')], timestamp: ts, signature: good })).toBe('ok');
    expect(signBatch(Buffer.from('s3cret'), ts, base.body)).toBe(good);
  });

  it('accepts any of several secrets (rotation)', () => {
    const secrets = ['old', 'new'];
    for (const secret of secrets) {
      expect(verifySignature({ ...base, secrets, timestamp: ts, signature: sign(secret, ts, base.body) })).toBe('ok');
    }
    expect(verifySignature({ ...base, secrets: ['new'], timestamp: ts, signature: sign('old', ts, base.body) })).toBe('mismatch');
  });

  it('property: what is signed with an accepted secret verifies; any other secret, body or digit does not', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: -300_000, max: 300_000 }),
        fc.nat({ max: 63 }),
        (secret, other, bytes, skew, digit) => {
          const body = Buffer.from(bytes);
          const t = String(NOW + skew);
          const signature = signBatch(secret, t, body);
          const input = { secrets: [other, secret], timestamp: t, body, nowMs: NOW, maxSkewMs: 300_000 };
          expect(verifySignature({ ...input, signature })).toBe('ok');
          if (other !== secret) expect(verifySignature({ ...input, secrets: [other], signature })).toBe('mismatch');
          expect(verifySignature({ ...input, body: Buffer.concat([body, Buffer.from('x')]), signature })).toBe('mismatch');
          const i = 3 + digit;
          const flipped = signature.slice(0, i) + (signature[i] === '0' ? '1' : '0') + signature.slice(i + 1);
          expect(verifySignature({ ...input, signature: flipped })).toBe('mismatch');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary header values never throw and never pass', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (timestamp, signature) => {
        const verdict = verifySignature({ ...base, timestamp: timestamp ?? undefined, signature: signature ?? undefined });
        expect(verdict).not.toBe('ok');
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkSignatureHeaders (before the body is read)', () => {
  const ts = String(NOW);
  const shaped = `v1=${'0'.repeat(64)}`;

  it('passes well-formed, fresh headers, whatever the signature turns out to be', () => {
    expect(checkSignatureHeaders({ timestamp: ts, signature: shaped, nowMs: NOW })).toBe('ok');
  });

  it('refuses missing, malformed and stale headers', () => {
    expect(checkSignatureHeaders({ timestamp: undefined, signature: shaped, nowMs: NOW })).toBe('missing');
    expect(checkSignatureHeaders({ timestamp: ts, signature: 'junk', nowMs: NOW })).toBe('malformed');
    expect(checkSignatureHeaders({ timestamp: '12ab', signature: shaped, nowMs: NOW })).toBe('malformed');
    expect(checkSignatureHeaders({ timestamp: String(NOW - DEFAULT_MAX_SKEW_MS - 1), signature: shaped, nowMs: NOW })).toBe('stale');
    expect(checkSignatureHeaders({ timestamp: String(NOW + 1001), signature: shaped, nowMs: NOW, maxSkewMs: 1000 })).toBe('stale');
  });
});

describe('newBatchId', () => {
  it('makes ids the batch rule accepts, a new one each time', () => {
    const a = newBatchId();
    expect(a).toMatch(BATCH_ID_PATTERN);
    expect(newBatchId()).not.toBe(a);
  });
});
