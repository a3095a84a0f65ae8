import { HealthMonitor, SensorConfigError, type HealthAlert, type MemorySample } from '../src/index.js';
import { captureLogs, fakeClock } from './helpers.js';

const GB = 1024 ** 3;

function setup(options: ConstructorParameters<typeof HealthMonitor>[0] = {}) {
  const clock = fakeClock(0);
  const alerts: HealthAlert[] = [];
  let memory: MemorySample = { rss: 200, heapUsed: GB / 4, heapTotal: GB / 2, heapLimit: GB, external: 10 };
  const hm = new HealthMonitor({
    clock,
    onAlert: (a) => alerts.push(a),
    memoryUsage: () => memory,
    ...options,
  });
  return { hm, clock, alerts, setMemory: (m: Partial<MemorySample>) => (memory = { ...memory, ...m }) };
}

function send(hm: HealthMonitor, ok: boolean) {
  const s = hm.onSendInitiated(null, 'orders', null);
  if (ok) hm.onSendCompleted(null, s);
  else hm.onSendError(null, new Error('x'), s);
}

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('HealthMonitor.checkConsumerLag', () => {
  it('is the end offset minus the next offset to read, per partition, for partitions with both known', () => {
    const { hm } = setup();
    hm.onMessageIn('orders/0', 99, null);
    hm.onMessageIn('orders/1', 10, null);
    hm.onMessageIn('orders/2', 5, null);
    hm.reportEndOffset('orders/0', 100);
    hm.reportEndOffset('orders/1', 1511);
    hm.reportEndOffset('orders/3', 70);
    expect(hm.checkConsumerLag()).toEqual({ 'orders/0': 0, 'orders/1': 1500 });
    hm.reportEndOffset('orders/2', 3); // a stale end offset never gives negative lag
    expect(hm.checkConsumerLag()['orders/2']).toBe(0);
    expect(hm.topicPartition('orders/3')?.endOffset).toBe(70);
  });
});

describe('HealthMonitor.checkErrorRate', () => {
  it('is send errors over finished sends in the recent window', () => {
    const { hm, clock } = setup({ maxAvgHistory: 10, sampleIntervalMs: 1000, errorRateWindowMs: 5000 });
    expect(hm.checkErrorRate()).toBe(0);
    for (let i = 0; i < 8; i++) send(hm, true);
    for (let i = 0; i < 2; i++) send(hm, false);
    clock.advance(1000);
    expect(hm.checkErrorRate()).toBe(0.2);
    // Four quiet seconds later the errors are still inside the 5 s window...
    for (let s = 0; s < 4; s++) {
      clock.advance(1000);
      hm.sample();
    }
    for (let i = 0; i < 10; i++) send(hm, true);
    expect(hm.checkErrorRate()).toBe(0.1);
    // ...and two seconds after that they have left it.
    for (let s = 0; s < 2; s++) {
      clock.advance(1000);
      hm.sample();
    }
    expect(hm.checkErrorRate()).toBe(0);
  });

  it('rejects a window longer than the sampled history', () => {
    expect(() => new HealthMonitor({ maxAvgHistory: 10, sampleIntervalMs: 1000, errorRateWindowMs: 20_000 })).toThrow(
      new SensorConfigError(
        'invalid option `errorRateWindowMs` in new HealthMonitor(): expected at most maxAvgHistory * sampleIntervalMs = 10000, got 20000',
      ),
    );
  });
});

describe('HealthMonitor.checkMemoryUsage', () => {
  it('reports the reading and the ratio of heap used to the heap limit', () => {
    const { hm, setMemory } = setup({ memoryThresholdRatio: 0.5 });
    expect(hm.checkMemoryUsage()).toEqual({
      rss: 200,
      heap_used: GB / 4,
      heap_total: GB / 2,
      heap_limit: GB,
      external: 10,
      ratio: 0.25,
      healthy: true,
    });
    setMemory({ heapUsed: (GB * 3) / 4 });
    expect(hm.checkMemoryUsage()).toMatchObject({ ratio: 0.75, healthy: false });
  });

  it('reads the real process by default', () => {
    const m = new HealthMonitor().checkMemoryUsage();
    expect(m.heap_used).toBeGreaterThan(0);
    expect(m.heap_limit).toBeGreaterThan(m.heap_used);
    expect(m.ratio).toBe(m.heap_used / m.heap_limit);
  });
});

describe('HealthMonitor alerts', () => {
  it('alerts once per transition into each unhealthy condition, not on every check', () => {
    const { hm, clock, alerts, setMemory } = setup({ lagThreshold: 1000, errorRateThreshold: 0.1, stalledAfterMs: 10_000 });
    hm.onMessageIn('orders/0', 0, null);
    hm.reportEndOffset('orders/0', 500);
    expect(hm.isHealthy()).toBe(true);

    hm.reportEndOffset('orders/0', 1502);
    expect(hm.isHealthy()).toBe(false);
    expect(hm.isHealthy()).toBe(false);
    expect(alerts.map((a) => a.condition)).toEqual(['lag']);
    expect(alerts[0]).toEqual({
      condition: 'lag',
      message: 'consumer lag 1501 on orders/0 exceeds 1000',
      details: { lag: { 'orders/0': 1501 }, threshold: 1000 },
    });

    // Recovers, then lags again: a second alert.
    hm.onMessageIn('orders/0', 1501, null);
    expect(hm.isHealthy()).toBe(true);
    hm.reportEndOffset('orders/0', 5000);
    hm.getHealthReport();
    expect(alerts.map((a) => a.condition)).toEqual(['lag', 'lag']);
    hm.onMessageIn('orders/0', 4999, null);

    send(hm, false);
    send(hm, true);
    clock.advance(1000);
    expect(hm.getHealthReport().issues).toEqual(['send error rate 0.5 exceeds 0.1']);
    hm.getHealthReport();

    setMemory({ heapUsed: GB * 0.95 });
    hm.getHealthReport();
    hm.getHealthReport();

    clock.advance(10_000);
    const report = hm.getHealthReport();
    hm.getHealthReport();
    expect(alerts.map((a) => a.condition)).toEqual(['lag', 'lag', 'errors', 'memory', 'stalled']);
    expect(hm.alertsTotal()).toBe(5);
    expect(report.conditions).toEqual({ lag: false, errors: true, memory: true, stalled: true });
    expect(report.issues).toEqual([
      'send error rate 0.5 exceeds 0.1',
      `heap used ${GB * 0.95} is 0.95 of the limit ${GB}, above 0.9`,
      'no messages or events for 10000 ms (stalled after 10000 ms)',
    ]);
    expect(alerts[4]?.details).toEqual({ idle_ms: 10_000, stalled_after_ms: 10_000 });
    expect(logs.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual(alerts.map((a) => `health alert: ${a.message}`));
  });

  it('counts progress from messages or events and does not check stalled when stalledAfterMs is unset', () => {
    const { hm, clock, alerts } = setup({ stalledAfterMs: 5000 });
    clock.advance(4000);
    hm.onStreamEventIn('a/0', 1, null, null);
    expect(hm.getHealthReport().idle_ms).toBe(0);
    clock.advance(4999);
    expect(hm.isHealthy()).toBe(true);
    clock.advance(1);
    expect(hm.isHealthy()).toBe(false);
    expect(alerts.map((a) => a.condition)).toEqual(['stalled']);

    const off = setup();
    off.clock.advance(1e9);
    expect(off.hm.getHealthReport().idle_ms).toBeNull();
    expect(off.hm.isHealthy()).toBe(true);
  });

  it('survives an onAlert that throws', () => {
    const hm = new HealthMonitor({
      lagThreshold: 0,
      onAlert: () => {
        throw new Error('pager down');
      },
    });
    hm.onMessageIn('a/0', 0, null);
    hm.reportEndOffset('a/0', 5);
    expect(hm.isHealthy()).toBe(false);
    expect(logs.records.map((r) => r.message)).toEqual(['health alert: consumer lag 4 on a/0 exceeds 0', 'onAlert threw; suppressed']);
  });
});

describe('HealthMonitor as a HealthCheck and a report', () => {
  it('gives a core HealthCheck whose result follows the checks', async () => {
    const { hm } = setup({ lagThreshold: 10, name: 'orders-consumer' });
    expect(hm.healthCheck.name).toBe('orders-consumer');
    expect(hm.healthCheck.critical).toBe(true);
    const ok = await hm.healthCheck.check();
    expect(ok.healthy).toBe(true);
    expect(ok.message).toBeUndefined();
    hm.onMessageIn('orders/0', 0, null);
    hm.reportEndOffset('orders/0', 20);
    const bad = await hm.healthCheck.check();
    expect(bad.healthy).toBe(false);
    expect(bad.message).toBe('consumer lag 19 on orders/0 exceeds 10');
    expect(bad.details?.['consumer_lag']).toEqual({ 'orders/0': 19 });
  });

  it('reports every figure', () => {
    const { hm, clock } = setup();
    for (let i = 0; i < 4; i++) hm.onStreamEventIn('a/0', i, null, null);
    clock.advance(2000);
    const before = Date.now() / 1000;
    const report = hm.getHealthReport();
    const after = Date.now() / 1000;
    // Faust's health report carries the time it was made (epoch seconds) and the uptime (seconds).
    expect(report.timestamp).toBeGreaterThanOrEqual(before);
    expect(report.timestamp).toBeLessThanOrEqual(after);
    expect(report).toEqual({
      healthy: true,
      issues: [],
      conditions: { lag: false, errors: false, memory: false, stalled: false },
      consumer_lag: {},
      max_lag: 0,
      error_rate: 0,
      memory: { rss: 200, heap_used: GB / 4, heap_total: GB / 2, heap_limit: GB, external: 10, ratio: 0.25, healthy: true },
      events_per_second: 2,
      idle_ms: null,
      timestamp: report.timestamp,
      uptime: 2,
    });
    expect(hm.asDict()['health']).toMatchObject({ healthy: true });
    expect(hm.asDict()['events_total']).toBe(4);
  });

  it("runs the periodic check on an unref'd timer until close()", async () => {
    jest.useFakeTimers();
    try {
      const { hm, alerts } = setup({ checkIntervalMs: 5000, lagThreshold: 0 });
      await hm.start();
      hm.onMessageIn('a/0', 0, null);
      hm.reportEndOffset('a/0', 3);
      jest.advanceTimersByTime(4999);
      expect(alerts).toHaveLength(0);
      jest.advanceTimersByTime(1);
      expect(alerts.map((a) => a.condition)).toEqual(['lag']);
      await hm.close();
      expect(jest.getTimerCount()).toBe(0);
      await hm.start();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects bad thresholds', () => {
    expect(() => new HealthMonitor({ errorRateThreshold: 2 })).toThrow(
      'invalid option `errorRateThreshold` in new HealthMonitor(): expected a finite number from 0 to 1, got 2',
    );
    expect(() => new HealthMonitor({ memoryThresholdRatio: 0 })).toThrow(
      'invalid option `memoryThresholdRatio` in new HealthMonitor(): expected a finite number > 0 and <= 1, got 0',
    );
    expect(() => new HealthMonitor({ lagThreshold: -1 })).toThrow(
      'invalid option `lagThreshold` in new HealthMonitor(): expected a finite number >= 0, got -1',
    );
    expect(() => new HealthMonitor({ checkIntervalMs: Infinity })).toThrow(
      'invalid option `checkIntervalMs` in new HealthMonitor(): expected a finite number > 0, got Infinity',
    );
    expect(() => new HealthMonitor({ onAlert: 'x' as never })).toThrow(
      'invalid option `onAlert` in new HealthMonitor(): expected a function, got "x"',
    );
  });
});

describe('HealthMonitor with bad input and a clock that goes back', () => {
  it('keeps lag finite, and alerting, when a read offset is NaN', () => {
    const { hm, alerts } = setup({ lagThreshold: 1000 });
    hm.onMessageIn('orders/0', 99, null);
    hm.onMessageIn('orders/0', Number.NaN, null);
    hm.reportEndOffset('orders/0', 5100);
    hm.reportEndOffset('orders/0', Number.NaN);
    hm.reportEndOffset('orders/0', -5);
    expect(hm.checkConsumerLag()).toEqual({ 'orders/0': 5000 });
    const report = hm.getHealthReport();
    expect(report.max_lag).toBe(5000);
    expect(report.healthy).toBe(false);
    expect(alerts.map((a) => a.condition)).toEqual(['lag']);
    expect(hm.invalidOffsetsTotal()).toBe(3);
  });

  it('never reports a negative idle_ms, and still finds a stall after the clock went back', () => {
    const { hm, clock, alerts } = setup({ stalledAfterMs: 10_000 });
    clock.set(50_000);
    hm.onMessageIn('orders/0', 1, null);
    expect(hm.getHealthReport().idle_ms).toBe(0);
    clock.set(20_000); // the injected clock stepped back 30 s
    const back = hm.getHealthReport();
    expect(back.idle_ms).toBe(0);
    expect(back.healthy).toBe(true);
    clock.advance(9_999);
    expect(hm.getHealthReport().idle_ms).toBe(9_999);
    clock.advance(1);
    const stalled = hm.getHealthReport();
    expect(stalled.idle_ms).toBe(10_000);
    expect(stalled.conditions.stalled).toBe(true);
    expect(alerts.map((a) => a.condition)).toEqual(['stalled']);
  });
});
