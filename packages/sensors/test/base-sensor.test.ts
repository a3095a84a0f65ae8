import type { Sensor } from '@sightline/core';
import { BaseSensor } from '../src/index.js';

describe('BaseSensor', () => {
  it('has a no-op for every event and an empty asDict', () => {
    const s = new BaseSensor();
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
    const s = new BaseSensor();
    const now = jest.spyOn(performance, 'now').mockReturnValue(4_321.5);
    try {
      const starts = [
        s.onCommitInitiated(null),
        s.onSendInitiated(null, 'orders', {}),
        s.onAssignmentStart(null),
        s.onRebalanceStart(null),
      ];
      expect(starts).toEqual([4_321.5, 4_321.5, 4_321.5, 4_321.5]);
    } finally {
      now.mockRestore();
    }
  });

  it('lets a subclass override only what it needs and still satisfies core Sensor', () => {
    class Counting extends BaseSensor {
      received = 0;
      override onMessageIn(): void {
        this.received++;
      }
    }
    const c = new Counting();
    const contract: Sensor = c;
    contract.onMessageIn?.('orders/1', 7, 'x');
    contract.onMessageOut?.('orders/1', 7, 'x');
    expect(c.received).toBe(1);
  });
});
