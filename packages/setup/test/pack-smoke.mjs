// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(m) {
  const journal = [];
  const plugin = (name) => ({
    name,
    hooks: { onRequest: (op, s) => journal.push(`${name}.onRequest(${op},${s})`) },
    sensor: { onMessageIn: (tp) => journal.push(`${name}.onMessageIn(${tp})`) },
    metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: () => `${name}_up 1\n` },
    start: (ctx) => journal.push(`start:${name}:${ctx.service}`),
    close: () => journal.push(`close:${name}`),
  });
  const obs = m.setupFromEnv({
    env: { SIGHTLINE_SERVICE_NAME: 'smoke', SIGHTLINE_PLUGINS: 'a,b', SIGHTLINE_B_ENABLED: 'true' },
    factories: { a: () => plugin('a'), b: () => plugin('b'), c: () => plugin('c') },
  });
  await obs.start();
  obs.hooks.onRequest('op', 1);
  obs.sensor.onMessageIn('t/0', 0, null);
  assert.equal(await obs.metrics.render(), 'a_up 1\nb_up 1\n');
  await obs.close();
  assert.deepEqual(obs.stopReport, { stopped: ['b', 'a'], failed: [], timedOut: [] });
  assert.deepEqual(journal, [
    'start:a:smoke',
    'start:b:smoke',
    'a.onRequest(op,1)',
    'b.onRequest(op,1)',
    'a.onMessageIn(t/0)',
    'b.onMessageIn(t/0)',
    'close:b',
    'close:a',
  ]);
  assert.throws(() => m.setup({ plugins: [] }), m.SetupConfigError);
}

// The register entry, loaded beside the main one: with nothing but setup installed it composes no
// plugin and takes the project's package.json name as the service.
export async function entries(mods) {
  const obs = await mods['./register'].observability;
  assert.deepEqual(obs.plugins, []);
  assert.equal(obs.service, 'consumer');
  await obs.close();
  assert.equal(obs.phase, 'stopped');
}
