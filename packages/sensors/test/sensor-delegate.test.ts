import { type Sensor } from '@sightline/core';
import { SENSOR_EVENT_NAMES } from '@sightline/core/internal';
import { Monitor, BaseSensor, SensorDelegate } from '../src/index.js';
import { captureLogs, fakeClock } from './helpers.js';

/** Records every event it gets, as [event, ...args]. */
class Recorder extends BaseSensor {
  readonly seen: unknown[][] = [];
  constructor(readonly name: string) {
    super();
    for (const event of SENSOR_EVENT_NAMES) {
      (this as Record<string, unknown>)[event] = (...args: unknown[]) => {
        this.seen.push([event, ...args]);
        return undefined;
      };
    }
  }
  override asDict() {
    return { events: this.seen.length };
  }
}

describe('SensorDelegate forwarding', () => {
  it('forwards every event with its arguments to every sensor, in order', () => {
    const order: string[] = [];
    const a = new Recorder('a');
    const b = new Recorder('b');
    const tagA: Sensor = { onMessageIn: () => void order.push('a') };
    const tagB: Sensor = { onMessageIn: () => void order.push('b') };
    const d = new SensorDelegate(a, tagA, b, tagB);
    d.onMessageIn('orders/0', 1, 'm');
    d.onMessageOut('orders/0', 2, 'm');
    d.onStreamEventIn('orders/0', 1, 's', 'e');
    d.onStreamEventOut('orders/0', 1, 's', 'e', 5);
    d.onTableGet('t', 'k');
    d.onTableSet('t', 'k', 'v');
    d.onTableDel('t', 'k');
    d.onTableContains('t', 'k');
    d.onCommitCompleted('c', 6);
    d.onSendCompleted('p', 7);
    d.onSendError('p', 'boom', 8);
    d.onAssignmentCompleted('as', 9);
    d.onAssignmentError('as', 'bad', 10);
    d.onRebalanceReturn('app', 11);
    d.onRebalanceEnd('app', 12);
    d.onTopicBufferFull('orders/0');
    const expected = [
      ['onMessageIn', 'orders/0', 1, 'm'],
      ['onMessageOut', 'orders/0', 2, 'm'],
      ['onStreamEventIn', 'orders/0', 1, 's', 'e'],
      ['onStreamEventOut', 'orders/0', 1, 's', 'e', 5],
      ['onTableGet', 't', 'k'],
      ['onTableSet', 't', 'k', 'v'],
      ['onTableDel', 't', 'k'],
      ['onTableContains', 't', 'k'],
      ['onCommitCompleted', 'c', 6],
      ['onSendCompleted', 'p', 7],
      ['onSendError', 'p', 'boom', 8],
      ['onAssignmentCompleted', 'as', 9],
      ['onAssignmentError', 'as', 'bad', 10],
      ['onRebalanceReturn', 'app', 11],
      ['onRebalanceEnd', 'app', 12],
      ['onTopicBufferFull', 'orders/0'],
    ];
    expect(a.seen).toEqual(expected);
    expect(b.seen).toEqual(expected);
    expect(order).toEqual(['a', 'b']);
  });

  it('returns the first start time a sensor returned, and hands it to every completed callback', () => {
    const clock = fakeClock(1000);
    const monitor = new Monitor({ clock, timeEventsEvery: 1 });
    const rec = new Recorder('rec');
    const d = new SensorDelegate(rec, monitor);
    const commit = d.onCommitInitiated('c');
    expect(commit).toBe(1000);
    clock.advance(40);
    d.onCommitCompleted('c', commit);
    expect(rec.seen).toContainEqual(['onCommitCompleted', 'c', 1000]);
    expect(monitor.commitLatencyAvg()).toBe(0.04);
    expect(d.onStreamEventIn('a/0', 1, null, null)).toBe(1040);
    expect(d.onSendInitiated('p', 'a', null)).toBe(1040);
    expect(d.onAssignmentStart('x')).toBe(1040);
    expect(d.onRebalanceStart('x')).toBe(1040);
  });

  it('falls back to performance.now() for initiating events no sensor timed, and nothing for stream events', () => {
    const d = new SensorDelegate(new BaseSensor(), { onMessageIn() {} });
    const now = jest.spyOn(performance, 'now').mockReturnValue(987.25);
    try {
      const starts = [d.onCommitInitiated(null), d.onSendInitiated(null, 't', null), d.onAssignmentStart(null), d.onRebalanceStart(null)];
      expect(starts).toEqual([987.25, 987.25, 987.25, 987.25]);
      expect(d.onStreamEventIn('a/0', 1, null, null)).toBeUndefined();
    } finally {
      now.mockRestore();
    }
  });

  it('adds and removes sensors; duplicates and unknown removals do nothing', () => {
    const a = new Monitor();
    const b = new Monitor();
    const d = new SensorDelegate(a);
    d.addSensor(b);
    d.addSensor(b);
    d.addSensor(d);
    expect(d.sensors).toEqual([a, b]);
    d.onMessageIn('x/0', 1, null);
    d.removeSensor(a);
    d.removeSensor(new Monitor());
    d.onMessageIn('x/0', 2, null);
    expect(d.sensors).toEqual([b]);
    expect([a.messagesReceivedTotal(), b.messagesReceivedTotal()]).toEqual([1, 2]);
  });

  it('lets a sensor remove itself mid-event without skipping the others', () => {
    const d = new SensorDelegate();
    const after = new Monitor();
    const self: Sensor = { onMessageIn: () => d.removeSensor(self) };
    d.addSensor(self);
    d.addSensor(after);
    d.onMessageIn('x/0', 1, null);
    d.onMessageIn('x/0', 2, null);
    expect(after.messagesReceivedTotal()).toBe(2);
    expect(d.sensors).toEqual([after]);
  });

  it('nests: a delegate inside a delegate', () => {
    const inner = new Monitor();
    const d = new SensorDelegate(new SensorDelegate(inner));
    d.onMessageIn('x/0', 1, null);
    d.onTableContains('t', 'k');
    expect([inner.messagesReceivedTotal(), inner.tablesContainsTotal()]).toEqual([1, 1]);
  });
});

describe('SensorDelegate with a throwing sensor', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('still delivers every event to the others, throws nothing, counts each failure and logs once per sensor and event', () => {
    const before = new Monitor();
    const after = new Monitor();
    class Broken extends BaseSensor {
      readonly name = 'broken';
      override onMessageIn(): void {
        throw new Error('sensor bug');
      }
      override onCommitInitiated(): number {
        throw new TypeError('also broken');
      }
    }
    const broken = new Broken();
    const d = new SensorDelegate(before, broken, after);
    for (let i = 0; i < 1000; i++) expect(() => d.onMessageIn('orders/0', i, null)).not.toThrow();
    const state = d.onCommitInitiated(null);
    d.onCommitCompleted(null, state);
    d.onCommitInitiated(null);

    expect(before.messagesReceivedTotal()).toBe(1000);
    expect(after.messagesReceivedTotal()).toBe(1000);
    expect(after.commitsTotal()).toBe(1);
    expect(d.errorCount()).toBe(1002);
    expect(d.errorCount(broken)).toBe(1002);
    expect(d.errorCount(broken, 'onMessageIn')).toBe(1000);
    expect(d.errorCount(broken, 'onCommitInitiated')).toBe(2);
    expect(d.errorCount(after)).toBe(0);
    expect(logs.records.map((r) => [r.logger, r.level, r.message, r.fields])).toEqual([
      [
        'sightline.sensors.delegate',
        'warn',
        'sensor broken threw in onMessageIn; suppressed (logged once per sensor and event)',
        { sensor: 'broken', event: 'onMessageIn', error: 'Error: sensor bug' },
      ],
      [
        'sightline.sensors.delegate',
        'warn',
        'sensor broken threw in onCommitInitiated; suppressed (logged once per sensor and event)',
        { sensor: 'broken', event: 'onCommitInitiated', error: 'TypeError: also broken' },
      ],
    ]);
  });

  it('skips a sensor whose asDict throws in getCombinedMetrics, and counts it', () => {
    const d = new SensorDelegate(
      { asDict: () => ({ ok: 1 }) },
      {
        asDict: () => {
          throw new Error('no');
        },
      },
    );
    expect(d.getCombinedMetrics()).toEqual({ sensor: { ok: 1 } });
    expect(d.errorCount()).toBe(1);
  });
});

describe('SensorDelegate.getCombinedMetrics', () => {
  it("puts each sensor's asDict under its name or class name, numbering repeats", () => {
    const clock = fakeClock(0);
    const m1 = new Monitor({ clock });
    const m2 = new Monitor({ clock });
    m1.onMessageIn('a/0', 1, null);
    const d = new SensorDelegate(m1, m2, new Recorder('custom'), { onMessageIn() {} });
    const combined = d.getCombinedMetrics();
    expect(Object.keys(combined)).toEqual(['Monitor', 'Monitor#2', 'custom']);
    expect(combined['Monitor']?.['messages_received_total']).toBe(1);
    expect(combined['Monitor#2']?.['messages_received_total']).toBe(0);
    expect(combined['custom']).toEqual({ events: 0 });
    expect(d.asDict()).toEqual(combined);
  });
  it("hands each sensor's own state object, unchanged, to its completed and error callbacks", () => {
    // A sensor whose opening callbacks return an object of its own, not a start time.
    const got: unknown[][] = [];
    const objectState = (label: string) => ({
      commit: { label, what: 'commit' },
      send: { label, what: 'send' },
      onCommitInitiated() {
        return this.commit;
      },
      onCommitCompleted(_consumer: unknown, state: unknown) {
        got.push([label, 'commit', state]);
      },
      onSendInitiated() {
        return this.send;
      },
      onSendError(_producer: unknown, _error: unknown, state: unknown) {
        got.push([label, 'sendError', state]);
      },
    });
    const a = objectState('a');
    const b = objectState('b');
    const monitor = new Monitor();
    const sensor = new SensorDelegate(a, monitor, b);
    sensor.onCommitCompleted(null, sensor.onCommitInitiated(null));
    sensor.onSendError(null, new Error('down'), sensor.onSendInitiated(null, 'orders', {}));
    expect(got).toEqual([
      ['a', 'commit', a.commit],
      ['b', 'commit', b.commit],
      ['a', 'sendError', a.send],
      ['b', 'sendError', b.send],
    ]);
    expect(monitor.commitsTotal()).toBe(1);
    expect(monitor.sendErrorsTotal()).toBe(1);
  });
});
