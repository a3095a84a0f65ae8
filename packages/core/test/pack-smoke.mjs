// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(core) {
  const seen = [];
  const hooks = core.combineHooks({ onRequest: (op, s) => seen.push([op, s]) });
  const value = await core.timed(hooks, 'smoke', async () => 7);
  assert.equal(value, 7);
  assert.equal(seen.length, 1);
  assert.equal(seen[0][0], 'smoke');
  assert.equal(core.getLogger('sightline.smoke').level, 'warn');
  // Error codes hold where instanceof cannot: across the CommonJS and ES module copies.
  assert.equal(new core.OptionsError('bad').code, 'SIGHTLINE_ERR_OPTIONS');
  assert.equal(core.SightlineConfigError.code, 'SIGHTLINE_ERR_CONFIG');
}

/** The public and the internal entry share one copy of core: an error made by one is an instance of the other's class. */
export async function entries(mods) {
  const error = mods['./internal'].defaultOptionsError('bad', { option: 'x' });
  assert.ok(error instanceof mods['.'].OptionsError);
  assert.equal(error.code, 'SIGHTLINE_ERR_OPTIONS');
}
