import { SENSOR_EVENT_NAMES, getLogger, type Sensor } from '@sightline/core';
import { fanOutSensors } from '../src/sensor-fan-out.js';
import { captureLogs } from './helpers.js';

const log = getLogger('sightline.setup');

/** A sensor defining every callback, each pushing `plugin.method(args)` into `journal`. */
function recordingSensor(plugin: string, journal: unknown[][]): Sensor {
  const sensor: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of SENSOR_EVENT_NAMES) {
    sensor[name] = (...args) => {
      journal.push([`${plugin}.${name}`, ...args]);
      return 999; // an initiating callback's own state is ignored by the fan-out
    };
  }
  sensor['asDict'] = () => ({ plugin });
  return sensor as Sensor;
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
    expect(sensor.onStreamEventIn('orders/1', 3, stream, 'e')).toBe(50);
    sensor.onStreamEventOut('orders/1', 3, stream, 'e', 50);
    sensor.onTableGet(table, 'k');
    sensor.onTableSet(table, 'k', 7);
    sensor.onTableDel(table, 'k');
    expect(sensor.onCommitInitiated('consumer')).toBe(50);
    sensor.onCommitCompleted('consumer', 50);
    expect(sensor.onSendInitiated('producer', 'out', 'm3')).toBe(50);
    sensor.onSendCompleted('producer', 50);
    sensor.onSendError('producer', err, 50);
    const both = (name: string, ...args: unknown[]) => [[`a.${name}`, ...args], [`b.${name}`, ...args]];
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
    ]);
    // Arity is kept: no padding with undefined arguments a sensor could see.
    expect(journal.map((entry) => entry.length)).toEqual([4, 4, 4, 4, 5, 5, 6, 6, 3, 3, 4, 4, 3, 3, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('reads the clock once per initiating event, whatever the number of sensors, and hands that one number to every completion', () => {
    const states: unknown[] = [];
    const completing: Sensor = {
      onCommitInitiated: () => 1,
      onCommitCompleted: (_c, state) => void states.push(state),
    };
    const { sensor } = fanOutSensors(
      [1, 2, 3].map((n) => ({ plugin: `p${n}`, sensor: completing })),
      log,
    );
    const now = jest.spyOn(performance, 'now').mockReturnValue(1234.5);
    const state = sensor.onCommitInitiated('c');
    expect(now).toHaveBeenCalledTimes(1);
    sensor.onCommitCompleted('c', state);
    expect(states).toEqual([1234.5, 1234.5, 1234.5]);
  });

  it('skips the clock for a pair no sensor implements, and with no sensors every callback is a safe no-op', () => {
    const now = jest.spyOn(performance, 'now');
    const { sensor } = fanOutSensors([{ plugin: 'tables', sensor: { onTableGet: () => undefined } }], log);
    expect(sensor.onStreamEventIn('t', 0, null, null)).toBe(0);
    expect(sensor.onCommitInitiated(null)).toBe(0);
    expect(sensor.onSendInitiated(null, 't', null)).toBe(0);
    const empty = fanOutSensors([], log).sensor;
    for (const name of SENSOR_EVENT_NAMES) {
      expect(() => (empty[name] as (...args: unknown[]) => unknown)('x', 1, 2, 3, 4)).not.toThrow();
    }
    expect(empty.asDict()).toEqual({});
    expect(now).not.toHaveBeenCalled();
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
