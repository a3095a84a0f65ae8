// terminus-style custom probe paths: each endpoint where the probes are configured to look.
import { HealthConfigError } from '../src/index.js';
import { closeServers, get, quietLogs, startServer } from './helpers.js';

quietLogs();
afterEach(closeServers);

describe('custom probe paths', () => {
  it('serves each endpoint at its configured path (query strings ignored); the defaults they replace are 404', async () => {
    const s = await startServer({
      ready: true,
      metricsRateLimit: false,
      paths: { live: '/livez', ready: '/readyz', metrics: '/internal/metrics' },
    });
    expect((await get(s.url, '/livez')).json()).toMatchObject({ status: 'alive' });
    expect((await get(s.url, '/readyz?verbose=1')).json()).toMatchObject({ status: 'ready' });
    expect((await get(s.url, '/internal/metrics')).status).toBe(200);
    expect((await get(s.url, '/health')).status).toBe(200); // not renamed: default kept
    const gone = await get(s.url, '/health/live');
    expect(gone.status).toBe(404);
    expect(gone.json()).toMatchObject({
      message: 'no endpoint at /health/live; try /health, /livez, /readyz, /health/startup, /internal/metrics',
    });
  });

  it('refuses a path that is not one, and two endpoints on one path', async () => {
    await expect(startServer({ paths: { live: 'livez' } })).rejects.toThrow(/paths\.live.*expected a path starting with "\/"/);
    await expect(startServer({ paths: { live: '/x', ready: '/x' } })).rejects.toThrow(HealthConfigError);
    await expect(startServer({ paths: { lve: '/x' } as never })).rejects.toThrow(/did you mean `paths.live`/);
  });
});
