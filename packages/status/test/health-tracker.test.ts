import type { ReadinessReport } from '@sightline/core';
import { HealthTracker } from '../src/health-tracker.js';

const report = (healthy: boolean, message?: string): ReadinessReport => ({
  healthy,
  failed: healthy ? [] : ['db'],
  results: [{ name: 'db', healthy, critical: true, timedOut: false, durationMs: 3, ...(message ? { message } : {}) }],
});

describe('HealthTracker', () => {
  test('status, duration, last error kept after recovery, and the transitions timeline', () => {
    const tracker = new HealthTracker(10);
    expect(tracker.known).toBe(false);
    tracker.record(report(true), 1000);
    tracker.record(report(true), 2000);
    tracker.record(report(false, 'connection refused'), 3000);
    let view = tracker.view();
    expect(view.ready).toBe(false);
    expect(view.checks[0]).toMatchObject({
      name: 'db',
      status: 'fail',
      durationMs: 3,
      lastError: 'connection refused',
      lastErrorAt: 3000,
      since: 3000,
    });
    tracker.record(report(true), 4000);
    view = tracker.view();
    expect(view.checks[0]).toMatchObject({ status: 'pass', lastError: 'connection refused', lastErrorAt: 3000, since: 4000 });
    expect(view.transitions.map((t) => [t.at, t.from, t.to])).toEqual([
      [1000, 'new', 'pass'],
      [3000, 'pass', 'fail'],
      [4000, 'fail', 'pass'],
    ]);
  });

  test('the timeline is bounded; removed checks disappear', () => {
    const tracker = new HealthTracker(3);
    for (let i = 0; i < 20; i++) tracker.record(report(i % 2 === 0), i);
    expect(tracker.view().transitions).toHaveLength(3);
    tracker.record({ healthy: true, failed: [], results: [] }, 100);
    expect(tracker.view().checks).toEqual([]);
  });
});
