import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealthHandler, HealthConfigError } from '../src/index.js';
import { countingCheck, get, quietLogs } from './helpers.js';

quietLogs();

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(s: Server): Promise<string> {
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('createHealthHandler mounted in an existing node:http server', () => {
  it('serves the health paths and passes every other path to the application through next()', async () => {
    const health = createHealthHandler({ ready: true, env: {} });
    const url = await listen(
      createServer((req, res) =>
        health(req, res, () => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`app:${req.url}`);
        }),
      ),
    );
    expect((await get(url, '/health/ready')).json()).toMatchObject({ status: 'ready' });
    expect((await get(url, '/health/live')).status).toBe(200);
    const app = await get(url, '/orders/7');
    expect([app.status, app.body]).toEqual([200, 'app:/orders/7']);
  });

  it('answers 404 itself when mounted without next()', async () => {
    const health = createHealthHandler({ env: {} });
    const url = await listen(createServer(health));
    expect((await get(url, '/orders')).status).toBe(404);
  });

  it('exposes its state and readiness checks without HTTP', async () => {
    const health = createHealthHandler({ env: {}, checks: [countingCheck('db')] });
    expect(health.started).toBe(false);
    health.markReady();
    expect(health.started).toBe(true);
    health.addCheck(countingCheck('queue', { healthy: false }));
    expect(health.checkNames).toEqual(['db', 'queue']);
    expect((await health.checkReadiness()).failed).toEqual(['queue']);
    const closing = health.close();
    expect(health.close()).toBe(closing);
    await closing;
    expect(health.shuttingDown).toBe(true);
    health.markReady(); // ignored while shutting down
    const url = await listen(createServer(health));
    expect((await get(url, '/health/ready')).json()).toMatchObject({ reason: 'shutting_down' });
  });

  it('closes at the end of an `await using` scope: readiness 503 shutting_down', async () => {
    let closed: ReturnType<typeof createHealthHandler> | undefined;
    {
      await using health = createHealthHandler({ env: {}, ready: true });
      expect(health.shuttingDown).toBe(false);
      closed = health;
    }
    expect(closed.shuttingDown).toBe(true);
    const url = await listen(createServer(closed));
    expect((await get(url, '/health/ready')).json()).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
  });

  it('handles absolute-form request targets from proxies', async () => {
    const health = createHealthHandler({ env: {} });
    const url = await listen(createServer(health));
    const reply = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const u = new URL(url);
        const req = request({ host: u.hostname, port: u.port, path: `${url}/health/live`, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(reply).toBe(200);
  });

  it('validates its options once, at construction', () => {
    expect(() => createHealthHandler({ cacheMs: -5, env: {} })).toThrow(
      new HealthConfigError('invalid option `cacheMs` in createHealthHandler(): expected an integer >= 0, got -5'),
    );
  });
});
