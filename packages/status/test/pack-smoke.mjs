// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
/* global fetch */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

export default async function smoke(m) {
  assert.throws(() => m.status({ intervalMS: 5 }), m.StatusConfigError);
  const plugin = m.status();
  assert.equal(plugin.name, 'status');
  assert.equal(plugin.routes[0].path, '/status');

  // The page ships in the tarball (dist/static) and is served from it.
  const page = m.createStatusPage({ auth: 'none', metrics: { contentType: 'text/plain', render: () => 'up 1\n' } });
  const server = createServer((req, res) => page.handle(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const html = await fetch(`${base}/status`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-security-policy'), /default-src 'none'/);
    const js = await fetch(`${base}/status/status.js`);
    assert.equal(js.status, 200);
    assert.ok((await js.text()).length > 10_000);
    await page.sample();
    const pin = await fetch(`${base}/status/api/pin?metric=nope`);
    assert.equal(pin.status, 404);
  } finally {
    await page.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
