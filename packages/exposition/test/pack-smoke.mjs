// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(e) {
  const snapshots = [
    { name: 'jobs_total', help: 'Jobs done', type: 'counter', values: [{ value: 3, labels: { queue: 'mail' } }] },
    { name: 'temperature', help: 'Température', type: 'gauge', values: [{ value: Infinity, labels: { city: 'Zürich' } }] },
  ];
  assert.equal(
    e.renderExposition(snapshots),
    '# HELP jobs_total Jobs done\n# TYPE jobs_total counter\njobs_total{queue="mail"} 3\n' +
      '# HELP temperature Température\n# TYPE temperature gauge\ntemperature{city="Zürich"} +Inf\n',
  );
  const source = e.snapshotSource(async () => snapshots, { defaultLabels: { zone: 'eu' } });
  const negotiated = await source.negotiateBytes('application/openmetrics-text;version=1.0.0,text/plain;q=0.5');
  assert.equal(negotiated.contentType, e.OPENMETRICS_CONTENT_TYPE);
  assert.match(negotiated.body.toString('utf8'), /^# TYPE jobs counter\njobs_total\{queue="mail",zone="eu"\} 3$/m);
  assert.equal(e.negotiateFormat('text/plain;version=0.0.4'), 'prometheus');
}

/** The internal entry shares the package's one copy: its pacing is what the renderer uses. */
export async function entries(mods) {
  const internal = mods['./internal'];
  assert.equal(typeof internal.runInSlices, 'function');
  let steps = 0;
  function* work() {
    for (let i = 0; i < 3; i++) {
      steps++;
      yield;
    }
  }
  await internal.runInSlices(work(), 0);
  assert.equal(steps, 3);
}
