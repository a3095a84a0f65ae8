// Run by scripts/check-packages.mjs against the installed tarball, from require() and import().
import assert from 'node:assert/strict';

export default async function smoke(m) {
  const seen = [];
  const hooks = { onRequest: (op) => seen.push(op) };
  const server = await m.createWsServer({ port: 0, host: '127.0.0.1', hooks, handlers: { add: ({ a, b }) => a + b } });
  const client = await m.WsClient.connect(`ws://127.0.0.1:${server.port}`, { hooks });
  try {
    assert.equal(await client.request('add', { a: 2, b: 3 }), 5);
    assert.deepEqual(seen, ['add', 'add']);
  } finally {
    await client.close();
    await server.close();
  }
  assert.equal(client.state, 'closed');
  assert.ok(new m.ConnectionClosedError('x', 'y') instanceof m.WsError);
}
