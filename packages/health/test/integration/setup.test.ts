// The health() plugin under the real @sightline/setup: metrics, checks and snapshots from the other
// plugins, and setup's close() closing the server.
import type { Plugin } from '@sightline/core';
import { setup } from '@sightline/setup';
import { health } from '../../src/index.js';
import { get, quietLogs } from '../helpers.js';

quietLogs();

describe('health() under setup()', () => {
  it('serves the other plugins metrics, checks and sensor snapshots, and closes on close()', async () => {
    const stats: Plugin = {
      name: 'stats',
      metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: () => 'stats_sent_total 12\n' },
      healthChecks: [{ name: 'stats-server', check: () => Promise.resolve({ healthy: true }) }],
    };
    const queue: Plugin = { name: 'queue', sensor: { asDict: () => ({ size: 5, active_workers: 3 }) } };
    const h = health({ port: 0, env: {} });
    const obs = setup({ service: 'orders', plugins: [stats, queue, h] });
    await obs.start();
    const url = h.server!.url;
    try {
      const metrics = await get(url, '/metrics');
      expect(metrics.body).toBe('stats_sent_total 12\n');
      // The rule under setup: ready once start() has resolved.
      expect((await get(url, '/health/ready')).json()).toMatchObject({ status: 'ready', checks: { 'stats-server': { status: 'pass' } } });
    } finally {
      await obs.close();
      expect(obs.stopReport?.stopped).toContain('health');
    }
    await expect(get(url, '/health/live')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('with readiness "manual": 503 starting until obs.markReady(); not_ready after markNotReady(); shutting_down once close() begins', async () => {
    const h = health({ port: 0, env: {} });
    let duringStop: unknown;
    const obs = setup({
      service: 'orders',
      readiness: 'manual',
      signals: false,
      plugins: [h],
      // Runs after readiness has turned 503 and before any plugin closes.
      beforeShutdown: async () => {
        duringStop = (await get(h.server!.url, '/health/ready')).json();
      },
    });
    await obs.start();
    const url = h.server!.url;
    expect((await get(url, '/health/ready')).json()).toMatchObject({ status: 'not_ready', reason: 'starting' });
    obs.markReady();
    expect((await get(url, '/health/ready')).status).toBe(200);
    obs.markNotReady();
    expect((await get(url, '/health/ready')).json()).toMatchObject({ reason: 'not_ready' });
    obs.markReady();
    await obs.close();
    expect(duringStop).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
  });

  it('serves the JSON fallback from the plugins sensor snapshots when no plugin has metrics', async () => {
    const queue: Plugin = { name: 'queue', sensor: { asDict: () => ({ size: 5, active_workers: 3 }) } };
    const h = health({ port: 0, env: {} });
    const obs = setup({ service: 'orders', plugins: [queue, h] });
    await obs.start();
    try {
      expect((await get(h.server!.url, '/metrics')).json()).toEqual({ queue: { size: 5, active_workers: 3 }, checks: {} });
    } finally {
      await obs.close();
    }
  });
});
