import { getLogger, type HealthCheck, type MetricsSource, type PluginContext } from '@sightline/core';
import { health, HealthConfigError } from '../src/index.js';
import { countingCheck, get, quietLogs } from './helpers.js';

quietLogs();

const PROM = 'text/plain; version=0.0.4; charset=utf-8';
const source = (name: string): MetricsSource => ({ contentType: PROM, render: () => `${name} 1\n` });

function context(over: Partial<PluginContext> = {}): PluginContext {
  return {
    service: 'orders',
    logger: getLogger('sightline.test'),
    hooks: {},
    sensor: {},
    metricsSources: [],
    healthChecks: [],
    snapshot: () => ({}),
    ...over,
  };
}

describe('health() plugin', () => {
  it('serves every plugin metrics source combined, in order', async () => {
    const plugin = health({ port: 0, env: {} });
    await plugin.start(context({ metricsSources: [source('a_total'), source('b_total')] }));
    try {
      const r = await get(plugin.server!.url, '/metrics');
      expect(r.headers['content-type']).toBe(PROM);
      expect(r.body).toBe('a_total 1\nb_total 1\n');
    } finally {
      await plugin.close();
    }
    expect(plugin.server).toBeUndefined();
  });

  it('serves the context snapshot as the JSON fallback and every plugin health check for readiness', async () => {
    const failing: HealthCheck = countingCheck('stats-server', { healthy: false, message: 'unreachable' });
    const plugin = health({ port: 0, env: {}, checks: [countingCheck('db')] });
    plugin.addCheck(countingCheck('late'));
    plugin.markReady();
    await plugin.start(context({ healthChecks: [failing], snapshot: () => ({ stats: { sent: 12, dropped: 0 } }) }));
    try {
      const metrics = await get(plugin.server!.url, '/metrics');
      expect(metrics.json()).toMatchObject({
        stats: { sent: 12, dropped: 0 },
        checks: { db: { status: 'pass' }, 'stats-server': { status: 'fail' }, late: { status: 'pass' } },
      });
      const ready = await get(plugin.server!.url, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ reason: 'checks_failed', failed: ['stats-server'] });
    } finally {
      await plugin.close();
    }
  });

  it('handles no signals by default, is not ready before markReady(), and runs shutdown handlers on close()', async () => {
    const before = process.listenerCount('SIGTERM');
    const plugin = health({ port: 0, env: {} });
    const ran: string[] = [];
    plugin.onShutdown(() => {
      ran.push('flush');
    });
    await plugin.start(context());
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect((await get(plugin.server!.url, '/health/ready')).status).toBe(503);
    plugin.markReady();
    expect((await get(plugin.server!.url, '/health/ready')).status).toBe(200);
    await expect(plugin.start(context())).rejects.toThrow(new HealthConfigError('the health plugin was started twice: call close() first'));
    await plugin.close();
    expect(ran).toEqual(['flush']);
  });

  it('validates options when the plugin is created', () => {
    expect(() => health({ port: 123456, env: {} })).toThrow(
      'invalid option `port` in health(): expected an integer from 0 to 65535, got 123456',
    );
  });
});
