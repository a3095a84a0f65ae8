// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
/* global fetch */
import assert from 'node:assert/strict';

export default async function smoke(health) {
  const report = await health.runChecks([{ name: 'db', check: async () => ({ healthy: false, message: 'down' }) }], 100);
  assert.deepEqual(report.failed, ['db']);

  const server = await health.createHealthServer({ port: 0, host: '127.0.0.1', signals: [], env: {} });
  try {
    const live = await fetch(`${server.url}/health/live`);
    assert.equal(live.status, 200);
    assert.equal((await live.json()).status, 'alive');
    const ready = await fetch(`${server.url}/health/ready`);
    assert.equal(ready.status, 503);
    server.markReady();
    assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
  } finally {
    await server.close();
  }
  assert.throws(() => health.createHealthHandler({ cacheMs: -1 }), health.HealthConfigError);
}
