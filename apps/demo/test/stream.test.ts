import type { Sensor } from '@sightline/core';
import { Consumer } from '../src/stream/consumer.js';
import { Topic } from '../src/stream/topic.js';

describe('Topic', () => {
  it('keeps a key on one partition with increasing offsets', () => {
    const topic = new Topic<string>('orders', 4);
    const a = [topic.produce('c-1', 'x'), topic.produce('c-1', 'y'), topic.produce('c-1', 'z')];
    expect(new Set(a.map((m) => m.partition)).size).toBe(1);
    expect(a.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(a[0]!.tp).toBe(`orders/${a[0]!.partition}`);
    expect(topic.depth()).toBe(3);
    expect(topic.endOffset(a[0]!.partition)).toBe(3);
    expect(topic.poll(a[0]!.partition, 2).map((m) => m.value)).toEqual(['x', 'y']);
    expect(topic.depth()).toBe(1);
  });

  it('keeps at most its retention unread per partition, dropping and counting the oldest', () => {
    const topic = new Topic<number>('order-events', 1, 100);
    for (let i = 0; i < 10_000; i++) topic.produce('k', i);
    expect(topic.depth()).toBeLessThan(150);
    expect(topic.depth() + topic.dropped()).toBe(10_000);
    const kept = topic.poll(0, 1_000).map((m) => m.value);
    expect(kept[kept.length - 1]).toBe(9_999); // the newest are the ones kept
    expect(kept[0]).toBe(10_000 - kept.length);
  });
});

describe('Consumer', () => {
  it('reports message, stream event, commit and send to the sensor in the order a consumer would', async () => {
    const calls: string[] = [];
    const sensor: Sensor = {
      onMessageIn: (tp, offset) => calls.push(`in ${tp}@${offset}`),
      onStreamEventIn: (tp, offset) => (calls.push(`event-in ${tp}@${offset}`), 1),
      onStreamEventOut: (tp, offset, _s, _e, state) => calls.push(`event-out ${tp}@${offset} state=${String(state)}`),
      onMessageOut: (tp, offset) => calls.push(`out ${tp}@${offset}`),
      onSendInitiated: (_p, topic) => (calls.push(`send ${topic}`), 2),
      onSendCompleted: (_p, state) => calls.push(`sent state=${String(state)}`),
      onCommitInitiated: () => (calls.push('commit'), 3),
      onCommitCompleted: (_c, state) => calls.push(`committed state=${String(state)}`),
    };
    const topic = new Topic<number>('orders', 1);
    const output = new Topic<unknown>('events', 1);
    const ends: Array<[string, number]> = [];
    const consumer = new Consumer<number>({
      topic,
      sensor,
      output,
      handle: (m) => m.value * 2,
      onEndOffset: (tp, end) => ends.push([tp, end]),
    });
    topic.produce('k', 21);
    expect(await consumer.pollOnce()).toBe(1);
    expect(calls).toEqual([
      'in orders/0@0',
      'event-in orders/0@0',
      'send events',
      'sent state=2',
      'event-out orders/0@0 state=1',
      'out orders/0@0',
      'commit',
      'committed state=3',
    ]);
    expect(output.poll(0, 10).map((m) => m.value)).toEqual([42]);
    expect(ends).toEqual([['orders/0', 1]]);
  });

  it('keeps consuming after a handler throws and reports the failure as not ok', async () => {
    const outcomes: boolean[] = [];
    const topic = new Topic<number>('orders', 1);
    const consumer = new Consumer<number>({
      topic,
      sensor: {},
      handle: (m) => {
        if (m.value === 1) throw new Error('bad order');
        return undefined;
      },
      onProcessed: (_s, ok) => outcomes.push(ok),
    });
    [0, 1, 2].forEach((v) => topic.produce('k', v));
    expect(await consumer.pollOnce()).toBe(3);
    expect(outcomes).toEqual([true, false, true]);
  });
});
