// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

export default async function smoke(p) {
  const body = p.encodeBatch([
    { type: 'counter', name: 'smoke.count', value: 3, tags: { via: 'tarball' } },
    { type: 'set', name: 'smoke.users', values: ['a', 'b'] },
  ]);
  assert.equal(
    body,
    '{"v":1,"metrics":[{"type":"counter","name":"smoke.count","value":3,"tags":{"via":"tarball"}},{"type":"set","name":"smoke.users","values":["a","b"]}]}',
  );
  const timestamp = String(Date.now());
  const signature = p.signBatch('smoke-secret', timestamp, body);
  assert.equal(signature, `v1=${createHmac('sha256', 'smoke-secret').update(`${timestamp}.${body}`).digest('hex')}`);
  assert.equal(p.verifySignature({ secrets: ['old', 'smoke-secret'], timestamp, signature, body }), 'ok');
  assert.equal(p.verifySignature({ secrets: ['old'], timestamp, signature, body }), 'mismatch');
  const parsed = p.parseBatch(body);
  assert.equal(parsed.ok, true);
  assert.deepEqual(
    parsed.metrics.map((m) => m.metric.name),
    ['smoke.count', 'smoke.users'],
  );
  assert.equal(p.BATCH_PATH, '/v1/batch');
  assert.equal(p.SIGNATURE_HEADER, 'x-sightline-signature');
  assert.equal(p.PROTOCOL_VERSION, 1);
}
