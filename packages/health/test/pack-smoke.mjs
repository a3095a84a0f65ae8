// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
/* global fetch */
import assert from 'node:assert/strict';

export default async function smoke(health) {
  // The public surface is the server, the handler and the plugin; serialisers and check runners are internal.
  for (const internal of ['runChecks', 'CheckAggregator', 'readyBody', 'resolveServerConfig'])
    assert.equal(health[internal], undefined, internal);

  let dbUp = false;
  const checks = [{ name: 'db', check: async () => (dbUp ? { healthy: true } : { healthy: false, message: 'down' }) }];
  const server = await health.createHealthServer({ port: 0, host: '127.0.0.1', signals: [], env: {}, checks, cacheMs: 0 });
  try {
    const live = await fetch(`${server.url}/health/live`);
    assert.equal(live.status, 200);
    assert.equal((await live.json()).status, 'alive');
    server.markReady();
    const ready = await fetch(`${server.url}/health/ready`);
    assert.equal(ready.status, 503);
    const body = await ready.json();
    assert.equal(body.reason, 'checks_failed');
    assert.deepEqual(body.failed, ['db']);
    dbUp = true;
    assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
  } finally {
    await server.close();
  }
  assert.throws(() => health.createHealthHandler({ cacheMs: -1 }), health.HealthConfigError);
}
