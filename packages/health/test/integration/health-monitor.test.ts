// Readiness following a HealthMonitor from @sightline/sensors: its HealthCheck drives /health/ready
// and its asDict() figures appear in the /metrics JSON fallback.
import { setLogLevel } from '@sightline/core';
import { HealthMonitor } from '@sightline/sensors';
import { closeServers, get, quietLogs, startServer } from '../helpers.js';

quietLogs();
// The monitor's own alerts are expected here.
beforeAll(() => setLogLevel('sightline.sensors', 'silent'));
afterAll(() => setLogLevel('sightline.sensors', undefined));
afterEach(closeServers);

const GiB = 1024 ** 3;
const lowMemory = () => ({ rss: 0.2 * GiB, heapUsed: 0.1 * GiB, heapTotal: 0.2 * GiB, heapLimit: 4 * GiB, external: 0 });

describe('readiness following a HealthMonitor', () => {
  it('turns 503 while consumer lag exceeds the threshold and 200 once the consumer catches up', async () => {
    const monitor = new HealthMonitor({ lagThreshold: 100, memoryUsage: lowMemory });
    const s = await startServer({ ready: true, cacheMs: 0, checks: [monitor.healthCheck], sensors: { consumer: monitor } });

    monitor.onMessageIn('orders/0', 0, { id: 1 });
    monitor.reportEndOffset('orders/0', 500);
    const lagging = await get(s.url, '/health/ready');
    expect(lagging.status).toBe(503);
    expect(lagging.json()).toMatchObject({
      status: 'not_ready',
      reason: 'checks_failed',
      failed: ['sensors'],
      checks: { sensors: { status: 'fail', message: 'consumer lag 499 on orders/0 exceeds 100' } },
    });

    monitor.onMessageIn('orders/0', 450, { id: 2 });
    const caughtUp = await get(s.url, '/health/ready');
    expect(caughtUp.status).toBe(200);
    expect(caughtUp.json()).toMatchObject({ status: 'ready', checks: { sensors: { status: 'pass' } } });

    const metrics = (await get(s.url, '/metrics')).json() as {
      consumer: Record<string, unknown>;
      checks: { sensors: { details: Record<string, unknown> } };
    };
    expect(metrics.consumer).toMatchObject({ messages_received_total: 2, messages_received_by_tp: { 'orders/0': 2 } });
    expect(metrics.checks.sensors.details).toMatchObject({ healthy: true, consumer_lag: { 'orders/0': 49 }, max_lag: 49 });
  });

  it('turns 503 when memory use passes the monitor threshold', async () => {
    let heapUsed = 0.1 * GiB;
    const monitor = new HealthMonitor({
      memoryThresholdRatio: 0.5,
      memoryUsage: () => ({ ...lowMemory(), heapUsed }),
    });
    const s = await startServer({ ready: true, cacheMs: 0, checks: [monitor.healthCheck] });
    expect((await get(s.url, '/health/ready')).status).toBe(200);
    heapUsed = 3 * GiB;
    const r = await get(s.url, '/health/ready');
    expect(r.status).toBe(503);
    expect(r.json()).toMatchObject({ failed: ['sensors'] });
  });
});
