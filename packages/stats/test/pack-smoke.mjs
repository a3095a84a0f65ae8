// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

// The protocol's signature written out here, so the tarball is checked against the wire format itself.
function signedBy(secret, timestamp, body, signature) {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(String(signature));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export default async function smoke(m) {
  // Encoders and concrete transports are internal: a client picks its transport from `protocol`.
  for (const internal of ['encodeStatsdLines', 'packLines', 'UdpTransport', 'HttpTransport', 'settingEnvName'])
    assert.equal(m[internal], undefined, internal);
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ok = signedBy('smoke-secret', req.headers['x-sightline-timestamp'], body, req.headers['x-sightline-signature']);
      if (ok) received.push(JSON.parse(body));
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 1, rejected: 0, errors: [] }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const settings = m.StatsClientSettings.load({
      argv: ['--stats-prefix', 'smoke'],
      env: {
        STATS_CLIENT_SETTINGS__SECRET: 'smoke-secret',
        STATS_CLIENT_SETTINGS__FLUSH_INTERVAL_MS: '0',
        STATS_CLIENT_SETTINGS__DEST_PORT: String(server.address().port),
      },
    });
    assert.equal(String(settings), `StatsClientSettings(http://127.0.0.1:${server.address().port}, prefix smoke, secret <redacted>)`);
    const client = settings.createClient();
    client.pipeline((pipe) => {
      for (let i = 0; i < 1000; i++) pipe.incr('count');
      pipe.time('time', 5);
    });
    await client.flush();
    await client.close();
    // Each batch carries one signed id, so the server applies it once however often it is retried.
    assert.equal(received.length, 1);
    assert.match(received[0].id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(received, [
      {
        v: 1,
        id: received[0].id,
        metrics: [
          { type: 'counter', name: 'smoke.count', value: 1000 },
          { type: 'timer', name: 'smoke.time', values: [5] },
        ],
      },
    ]);
    assert.deepEqual(client.stats().sentBatches, 1);
    assert.throws(() => m.StatsClientSettings.load({ argv: ['--stats-protocol=smtp'], env: {} }), m.StatsConfigError);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

// `@sightline/stats/testing` runs on the same copy of the package as `@sightline/stats`: what one
// entry creates is an instance of the other's classes (checked from require() and from import()).
export async function entries({ '.': m, './testing': testing, './hot-shots': hotShots }) {
  const errors = [];
  const { client, transport } = testing.createTestClient({ prefix: 'smoke', onError: (e) => errors.push(e) });
  assert.ok(client instanceof m.StatsClient, 'createTestClient().client instanceof StatsClient');
  client.incr('count', 2);
  await client.flush();
  assert.equal(transport.counter('smoke.count'), 2);
  transport.failWith('auth');
  const result = await transport.send({ metrics: [] });
  assert.ok(result.error instanceof m.StatsTransportError, 'InMemoryTransport failures are StatsTransportError');
  assert.ok(result.error instanceof Error);
  client.incr('bad name', 1);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof m.InvalidMetricError, 'a dropped metric call reports InvalidMetricError');
  await client.close();
  // `@sightline/stats/hot-shots`: StatsD (also the default export) on the same StatsClient.
  assert.equal(hotShots.default, hotShots.StatsD);
  const statsd = new hotShots.StatsD({ mock: true, prefix: 'orders' });
  assert.ok(statsd.client instanceof m.StatsClient, 'StatsD runs on StatsClient');
  statsd.childClient({ prefix: 'svc' }).increment('created');
  await new Promise((resolve) => statsd.close(resolve));
  assert.deepEqual(statsd.mockBuffer, ['svc.orders.created:1|c']);
}
