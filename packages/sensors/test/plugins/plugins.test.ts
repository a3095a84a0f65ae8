import type { Plugin } from '@sightline/core';
import { healthMonitor, HealthMonitor, logging, LoggingSensor, monitor, Monitor } from '../../src/index.js';
import { captureLogs } from '../helpers.js';

describe('plugin factories', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('monitor() brings a Monitor that samples between start and stop', async () => {
    const p: Plugin = monitor({ maxAvgHistory: 5 });
    expect(p.name).toBe('monitor');
    expect(p.sensor).toBeInstanceOf(Monitor);
    expect((p.sensor as Monitor).maxAvgHistory).toBe(5);
    expect(p.healthChecks).toBeUndefined();
    await p.start?.({} as never);
    expect(jest.getTimerCount()).toBe(1);
    await p.close?.();
    expect(jest.getTimerCount()).toBe(0);
    expect(monitor({ name: 'orders' }).name).toBe('orders');
  });

  it('healthMonitor() brings a HealthMonitor and its HealthCheck, checking between start and stop', async () => {
    const logs = captureLogs();
    const p = healthMonitor({ lagThreshold: 5, name: 'consumer' });
    expect(p.name).toBe('health-monitor');
    expect(p.sensor).toBeInstanceOf(HealthMonitor);
    expect(p.healthChecks).toEqual([p.sensor.healthCheck]);
    expect(p.healthChecks[0]?.name).toBe('consumer');
    p.sensor.onMessageIn('a/0', 0, null);
    p.sensor.reportEndOffset('a/0', 100);
    const result = await p.healthChecks[0]!.check();
    expect(result.healthy).toBe(false);
    expect(logs.records.map((r) => r.message)).toEqual(['health alert: consumer lag 99 on a/0 exceeds 5']);
    logs.restore();
    await p.start?.({} as never);
    expect(jest.getTimerCount()).toBe(2);
    await p.close?.();
    expect(jest.getTimerCount()).toBe(0);
    expect(healthMonitor({ pluginName: 'hm' }).name).toBe('hm');
  });

  it('logging() brings a LoggingSensor', () => {
    const logs = captureLogs('info');
    try {
      const p = logging({ loggerName: 'sightline.sensor.test' });
      expect(p.name).toBe('logging');
      expect(p.sensor).toBeInstanceOf(LoggingSensor);
      p.sensor.onMessageIn?.('a/0', 3, null);
      expect(logs.records.map((r) => `${r.logger} ${r.message}`)).toEqual(['sightline.sensor.test message in a/0 offset 3']);
    } finally {
      logs.restore();
    }
  });
});
