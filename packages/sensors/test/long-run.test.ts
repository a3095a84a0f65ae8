// A million events through a delegate: every history stays at its bound, so memory stays flat.
import { CustomSensor, HealthMonitor, Monitor, SensorDelegate } from '../src/index.js';
import { fakeClock } from './helpers.js';

describe('a long run', () => {
  it('keeps every history bounded over 1,000,000 events', () => {
    const clock = fakeClock(0);
    const options = { clock, maxAvgHistory: 50, maxCommitLatencyHistory: 20, maxSendLatencyHistory: 10, maxTopicPartitions: 64 };
    const m = new Monitor({ ...options, timeEventsEvery: 1 });
    const hm = new HealthMonitor({
      ...options,
      errorRateWindowMs: 10_000,
      memoryUsage: () => ({ rss: 1, heapUsed: 1, heapTotal: 2, heapLimit: 10, external: 0 }),
    });
    const custom = new CustomSensor('custom', { maxHistogramSamples: 256 });
    const d = new SensorDelegate(m, hm, custom);

    for (let i = 0; i < 1_000_000; i++) {
      const tp = `orders/${i % 100}`; // 100 partitions, 64 tracked
      d.onMessageIn(tp, i, null);
      const s = d.onStreamEventIn(tp, i, null, null);
      clock.advance(1);
      d.onStreamEventOut(tp, i, null, null, s);
      if (i % 10 === 0) {
        const c = d.onCommitInitiated(null);
        d.onCommitCompleted(null, c);
        const p = d.onSendInitiated(null, 'out', null);
        d.onSendCompleted(null, p);
        custom.recordHistogram('batch', i % 1000);
      }
      if (i % 1000 === 0) {
        m.sample();
        hm.sample();
      }
      if (i % 100_000 === 0) hm.getHealthReport();
    }

    expect(m.historyLengths()).toEqual({
      commitLatency: 20,
      sendLatency: 10,
      eventRuntime: 50,
      assignmentLatency: 0,
      rebalanceReturnLatency: 0,
      rebalanceEndLatency: 0,
      rateSnapshots: 51,
      topicPartitions: 64,
    });
    expect(hm.historyLengths()['rateSnapshots']).toBe(51);
    expect(hm.historyLengths()['topicPartitions']).toBe(64);
    expect(custom.histogramWindowSize('batch')).toBe(256);
    expect(m.eventsTotal()).toBe(1_000_000);
    // 36 of 100 partitions are past the limit, 10,000 messages each.
    expect(m.untrackedTopicPartitionEventsTotal()).toBe(360_000);
    expect(m.eventsRuntimeAvg()).toBe(0.001);
    expect(custom.getMetrics().histograms['batch']?.count).toBe(100_000);
    expect(d.errorCount()).toBe(0);
  });
});
