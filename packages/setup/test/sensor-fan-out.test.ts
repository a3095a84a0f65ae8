import { getLogger, type Sensor } from '@sightline/core';
import { SENSOR_EVENT_NAMES } from '@sightline/core/internal';
import { fanOutSensors } from '../src/sensor-fan-out.js';
import { captureLogs } from './helpers.js';

const log = getLogger('sightline.setup');

/** A sensor defining every callback, each pushing `plugin.method(args)` into `journal`. */
function recordingSensor(plugin: string, journal: unknown[][]): Sensor {
  const sensor: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of SENSOR_EVENT_NAMES) {
    sensor[name] = (...args) => {
      journal.push([`${plugin}.${name}`, ...args]);
      return undefined; // no start time of its own: the fan-out reads the clock
    };
  }
  sensor['asDict'] = () => ({ plugin });
  return sensor;
}

describe('fanOutSensors', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    logs.restore();
    jest.restoreAllMocks();
  });

  it('delivers every event to every sensor, in plugin order, with the exact arguments', () => {
    const journal: unknown[][] = [];
    const { sensor } = fanOutSensors(
      [
        { plugin: 'a', sensor: recordingSensor('a', journal) },
        { plugin: 'b', sensor: recordingSensor('b', journal) },
      ],
      log,
    );
    jest.spyOn(performance, 'now').mockReturnValue(50);
    const stream = { id: 's' };
    const table = { id: 't' };
    const err = new Error('send failed');
    sensor.onMessageIn('orders/0', 1, 'm1');
    sensor.onMessageOut('orders/0', 2, 'm2');
    // Both sensors take stream events in themselves and returned no time: they time none, no clock.
    expect(sensor.onStreamEventIn('orders/1', 3, stream, 'e')).toBeUndefined();
    sensor.onStreamEventOut('orders/1', 3, stream, 'e', 50);
    sensor.onTableGet(table, 'k');
    sensor.onTableSet(table, 'k', 7);
    sensor.onTableDel(table, 'k');
    expect(sensor.onCommitInitiated('consumer')).toBe(50);
    sensor.onCommitCompleted('consumer', 50);
    expect(sensor.onSendInitiated('producer', 'out', 'm3')).toBe(50);
    sensor.onSendCompleted('producer', 50);
    sensor.onSendError('producer', err, 50);
    sensor.onTableContains(table, 'k');
    expect(sensor.onAssignmentStart('assignor')).toBe(50);
    sensor.onAssignmentCompleted('assignor', 50);
    sensor.onAssignmentError('assignor', err, 50);
    expect(sensor.onRebalanceStart('app')).toBe(50);
    sensor.onRebalanceReturn('app', 50);
    sensor.onRebalanceEnd('app', 50);
    sensor.onTopicBufferFull('orders/2');
    const both = (name: string, ...args: unknown[]) => [
      [`a.${name}`, ...args],
      [`b.${name}`, ...args],
    ];
    expect(journal).toEqual([
      ...both('onMessageIn', 'orders/0', 1, 'm1'),
      ...both('onMessageOut', 'orders/0', 2, 'm2'),
      ...both('onStreamEventIn', 'orders/1', 3, stream, 'e'),
      ...both('onStreamEventOut', 'orders/1', 3, stream, 'e', 50),
      ...both('onTableGet', table, 'k'),
      ...both('onTableSet', table, 'k', 7),
      ...both('onTableDel', table, 'k'),
      ...both('onCommitInitiated', 'consumer'),
      ...both('onCommitCompleted', 'consumer', 50),
      ...both('onSendInitiated', 'producer', 'out', 'm3'),
      ...both('onSendCompleted', 'producer', 50),
      ...both('onSendError', 'producer', err, 50),
      ...both('onTableContains', table, 'k'),
      ...both('onAssignmentStart', 'assignor'),
      ...both('onAssignmentCompleted', 'assignor', 50),
      ...both('onAssignmentError', 'assignor', err, 50),
      ...both('onRebalanceStart', 'app'),
      ...both('onRebalanceReturn', 'app', 50),
      ...both('onRebalanceEnd', 'app', 50),
      ...both('onTopicBufferFull', 'orders/2'),
    ]);
    // Arity is kept: no padding with undefined arguments a sensor could see.
    expect(journal.map((entry) => entry.length)).toEqual([
      4, 4, 4, 4, 5, 5, 6, 6, 3, 3, 4, 4, 3, 3, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4, 3, 3, 2, 2, 3, 3, 4, 4, 2, 2, 3, 3, 3, 3, 2, 2,
    ]);
  });

  it('hands each sensor its own start time, and a sensor that returned none the first one, without reading the clock', () => {
    const states: unknown[] = [];
    const completing = (start: number | undefined): Sensor => ({
      onCommitInitiated: () => start,
      onCommitCompleted: (_c, state) => void states.push(state),
    });
    const { sensor } = fanOutSensors(
      [undefined, 7, 8].map((start, n) => ({ plugin: `p${n}`, sensor: completing(start) })),
      log,
    );
    const now = jest.spyOn(performance, 'now').mockReturnValue(1234.5);
    const state = sensor.onCommitInitiated('c');
    expect(now).not.toHaveBeenCalled();
    sensor.onCommitCompleted('c', state);
    expect(states).toEqual([7, 7, 8]);
  });

  it('reads the clock for a commit or send no sensor timed, for a stream event only when a sensor will read it back', () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(42);
    const { sensor } = fanOutSensors([{ plugin: 'tables', sensor: { onTableGet: () => undefined } }], log);
    expect(sensor.onStreamEventIn('t', 0, null, null)).toBeUndefined();
    expect(now).not.toHaveBeenCalled();
    expect(sensor.onCommitInitiated(null)).toBe(42);
    expect(sensor.onSendInitiated(null, 't', null)).toBe(42);
    expect(now).toHaveBeenCalledTimes(2);
    // A sensor reading a stream event's start time without taking one gets the fan-out's clock reading.
    const timed = fanOutSensors([{ plugin: 'latency', sensor: { onStreamEventOut: () => undefined } }], log).sensor;
    expect(timed.onStreamEventIn('t', 0, null, null)).toBe(42);
    expect(now).toHaveBeenCalledTimes(3);
  });

  it('with no sensors every callback is a safe no-op', () => {
    const empty = fanOutSensors([], log).sensor;
    expect(SENSOR_EVENT_NAMES).toHaveLength(20);
    for (const name of SENSOR_EVENT_NAMES) {
      expect(() => (empty[name] as (...args: unknown[]) => unknown)('x', 1, 2, 3, 4)).not.toThrow();
    }
    expect(empty.asDict()).toEqual({});
  });

  it('forwards the stream-processing events (table contains, rebalance) to a plugin sensor that implements only those', () => {
    const seen: unknown[][] = [];
    const faust: Sensor = {
      onTableContains: (table, key) => void seen.push(['contains', table, key]),
      onRebalanceStart: () => 10,
      onRebalanceReturn: (app, state) => void seen.push(['return', app, state]),
      onRebalanceEnd: (app, state) => void seen.push(['end', app, state]),
    };
    const { sensor } = fanOutSensors(
      [
        { plugin: 'other', sensor: { onMessageIn: () => undefined } },
        { plugin: 'faust', sensor: faust },
      ],
      log,
    );
    sensor.onTableContains('users', 'u1');
    const state = sensor.onRebalanceStart('app');
    sensor.onRebalanceReturn('app', state);
    sensor.onRebalanceEnd('app', state);
    expect(seen).toEqual([
      ['contains', 'users', 'u1'],
      ['return', 'app', 10],
      ['end', 'app', 10],
    ]);
  });

  it('isolates a throwing sensor: the others still run, the caller sees nothing, failures are counted and logged once per plugin and method', () => {
    const seen: string[] = [];
    const { sensor, failures } = fanOutSensors(
      [
        { plugin: 'first', sensor: { onMessageIn: (tp) => void seen.push(`first:${tp}`) } },
        {
          plugin: 'broken',
          sensor: {
            onMessageIn: () => {
              throw new TypeError('boom');
            },
            onTableSet: () => {
              throw new RangeError('bad key');
            },
          },
        },
        { plugin: 'last', sensor: { onMessageIn: (tp) => void seen.push(`last:${tp}`) } },
      ],
      log,
    );
    for (let i = 0; i < 3; i++) expect(() => sensor.onMessageIn(`t/${i}`, i, null)).not.toThrow();
    expect(() => sensor.onTableSet({}, 'k', 1)).not.toThrow();
    expect(seen).toEqual(['first:t/0', 'last:t/0', 'first:t/1', 'last:t/1', 'first:t/2', 'last:t/2']);
    expect(failures()).toEqual({ broken: { onMessageIn: 3, onTableSet: 1 } });
    expect(logs.records.map((r) => [r.logger, r.level, r.fields?.['plugin'], r.fields?.['method'], r.fields?.['error']])).toEqual([
      ['sightline.setup', 'warn', 'broken', 'onMessageIn', 'TypeError: boom'],
      ['sightline.setup', 'warn', 'broken', 'onTableSet', 'RangeError: bad key'],
    ]);
  });

  it('calls class-based sensors as methods, so `this` is the sensor', () => {
    class Counting implements Sensor {
      private count = 0;
      onMessageIn(): void {
        this.count++;
      }
      asDict() {
        return { count: this.count };
      }
    }
    const { sensor } = fanOutSensors([{ plugin: 'counting', sensor: new Counting() }], log);
    sensor.onMessageIn('t', 0, null);
    sensor.onMessageIn('t', 1, null);
    expect(sensor.asDict()).toEqual({ counting: { count: 2 } });
  });

  it("asDict() gathers each sensor's figures by plugin name and leaves out, and counts, one that throws", () => {
    const { sensor, failures } = fanOutSensors(
      [
        { plugin: 'monitor', sensor: { asDict: () => ({ messagesIn: 4 }) } },
        { plugin: 'no-dict', sensor: { onMessageIn: () => undefined } },
        {
          plugin: 'bad',
          sensor: {
            asDict: () => {
              throw new Error('no');
            },
          },
        },
      ],
      log,
    );
    expect(sensor.asDict()).toEqual({ monitor: { messagesIn: 4 } });
    expect(failures()).toEqual({ bad: { asDict: 1 } });
  });
});
