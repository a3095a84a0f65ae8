// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export default async function smoke(m) {
  // The StatsD parser and the Prometheus name sanitisers are internal.
  for (const internal of ['parseStatsdLine', 'sanitizeMetricName', 'familyName']) assert.equal(m[internal], undefined, internal);
  const server = m.createStatsServer({ port: 0, secrets: ['smoke-secret'] });
  await server.start();
  const { url } = server.address();
  try {
    const body = JSON.stringify({
      v: 1,
      metrics: [
        { type: 'counter', name: 'smoke.count', value: 3, tags: { via: 'tarball' } },
        { type: 'timer', name: 'smoke.time', values: [5, 15] },
      ],
    });
    const timestamp = String(Date.now());
    const signature = `v1=${createHmac('sha256', 'smoke-secret').update(`${timestamp}.${body}`).digest('hex')}`;
    const res = await post(url, body, { 'x-sightline-timestamp': timestamp, 'x-sightline-signature': signature });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { accepted: 2, rejected: 0, errors: [] });
    const snap = server.snapshot();
    // Null-prototype records: a series named `__proto__` is data like any other.
    assert.deepEqual({ ...snap.counters }, { 'smoke.count{via=tarball}': 3 });
    assert.deepEqual({ ...snap.timers }, { 'smoke.time': { count: 2, sum: 20, min: 5, max: 15 } });
    const text = await server.metrics.render();
    // What the server received is exposed under its own namespace, stats_ by default.
    assert.match(text, /\nstats_smoke_count_total\{via="tarball"\} 3\n/);
    assert.match(text, /\nstats_smoke_time_seconds_count 2\n/);
  } finally {
    await server.close();
  }
}
