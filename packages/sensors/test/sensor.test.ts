import type { Sensor as SensorContract } from '@sightline/core';
import { Sensor } from '../src/index.js';

describe('Sensor', () => {
  it('has a no-op for every event and an empty asDict', () => {
    const s = new Sensor();
    expect(s.onMessageIn('orders/0', 1, {})).toBeUndefined();
    expect(s.onMessageOut('orders/0', 1, {})).toBeUndefined();
    expect(s.onStreamEventIn('orders/0', 1, null, {})).toBeUndefined();
    expect(s.onStreamEventOut('orders/0', 1, null, {}, 5)).toBeUndefined();
    expect(s.onTableGet('t', 'k')).toBeUndefined();
    expect(s.onTableSet('t', 'k', 1)).toBeUndefined();
    expect(s.onTableDel('t', 'k')).toBeUndefined();
    expect(s.onTableContains('t', 'k')).toBeUndefined();
    expect(s.onTopicBufferFull('orders/0')).toBeUndefined();
    expect(s.asDict()).toEqual({});
  });

  it('returns a performance.now() start time from commit, send, assignment and rebalance starts', () => {
    const s = new Sensor();
    const before = performance.now();
    for (const t of [
      s.onCommitInitiated(null),
      s.onSendInitiated(null, 'orders', {}),
      s.onAssignmentStart(null),
      s.onRebalanceStart(null),
    ]) {
      expect(typeof t).toBe('number');
      expect(t as number).toBeGreaterThanOrEqual(before);
      expect(t as number).toBeLessThanOrEqual(performance.now());
    }
  });

  it('lets a subclass override only what it needs and still satisfies core Sensor', () => {
    class Counting extends Sensor {
      received = 0;
      override onMessageIn(): void {
        this.received++;
      }
    }
    const c = new Counting();
    const contract: SensorContract = c;
    contract.onMessageIn?.('orders/1', 7, 'x');
    contract.onMessageOut?.('orders/1', 7, 'x');
    expect(c.received).toBe(1);
  });
});
