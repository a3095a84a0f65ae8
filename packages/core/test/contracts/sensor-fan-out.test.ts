import { SENSOR_EVENT_NAMES, SensorFanOut, type Sensor, type SensorEventName } from '../../src/index.js';

/** A sensor implementing every event, each pushing `[label, event, ...args]` into `journal`. */
function recorder(label: string, journal: unknown[][], start?: number): Sensor {
  const sensor: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of SENSOR_EVENT_NAMES) {
    sensor[name] = (...args) => {
      journal.push([label, name, ...args]);
      return start;
    };
  }
  return sensor as Sensor;
}

function call(fanOut: SensorFanOut, name: SensorEventName, ...args: unknown[]): unknown {
  return (fanOut[name] as (...a: unknown[]) => unknown).call(fanOut, ...args);
}

describe('SensorFanOut', () => {
  afterEach(() => jest.restoreAllMocks());

  it('has 20 event names and delivers each of them, with its arguments, to every implementer in member order', () => {
    expect(SENSOR_EVENT_NAMES).toHaveLength(20);
    const journal: unknown[][] = [];
    const fanOut = new SensorFanOut([recorder('a', journal, 5), recorder('b', journal, 6)]);
    // One distinct argument per declared parameter of each forwarding method.
    const argsOf = (name: SensorEventName) => Array.from({ length: (fanOut[name] as () => void).length }, (_, i) => `${name}#${i}`);
    for (const name of SENSOR_EVENT_NAMES) call(fanOut, name, ...argsOf(name));
    expect(journal).toEqual(SENSOR_EVENT_NAMES.flatMap((name) => [['a', name, ...argsOf(name)], ['b', name, ...argsOf(name)]]));
    expect(SENSOR_EVENT_NAMES.map(argsOf).every((args) => args.length >= 1)).toBe(true);
  });

  it('calls members as methods, so `this` is the member', () => {
    class Counting implements Sensor {
      count = 0;
      onTableContains(): void {
        this.count++;
      }
    }
    const c = new Counting();
    const fanOut = new SensorFanOut([c]);
    fanOut.onTableContains('t', 'k');
    fanOut.onTableContains('t', 'k');
    expect(c.count).toBe(2);
  });

  it('isolates a throwing member: the others run, the caller sees nothing, failures are counted per member and event', () => {
    const seen: string[] = [];
    const reports: unknown[][] = [];
    const broken: Sensor = {
      onMessageIn: () => {
        throw new TypeError('boom');
      },
      onRebalanceEnd: () => {
        throw new RangeError('bad');
      },
    };
    const first: Sensor = { onMessageIn: (tp) => void seen.push(`first:${tp}`) };
    const last: Sensor = { onMessageIn: (tp) => void seen.push(`last:${tp}`) };
    const fanOut = new SensorFanOut([first, broken, last], {
      onFailure: (sensor, event, error, count) => reports.push([sensor === broken, event, (error as Error).message, count]),
    });
    for (let i = 0; i < 3; i++) expect(() => fanOut.onMessageIn(`t/${i}`, i, null)).not.toThrow();
    expect(() => fanOut.onRebalanceEnd('app', 1)).not.toThrow();
    expect(seen).toEqual(['first:t/0', 'last:t/0', 'first:t/1', 'last:t/1', 'first:t/2', 'last:t/2']);
    expect(reports).toEqual([
      [true, 'onMessageIn', 'boom', 1],
      [true, 'onMessageIn', 'boom', 2],
      [true, 'onMessageIn', 'boom', 3],
      [true, 'onRebalanceEnd', 'bad', 1],
    ]);
    expect(fanOut.errorCount()).toBe(4);
    expect(fanOut.errorCount(broken)).toBe(4);
    expect(fanOut.errorCount(broken, 'onMessageIn')).toBe(3);
    expect(fanOut.errorCount(first)).toBe(0);
    expect([...fanOut.failureCountsByMember().get(broken)!]).toEqual([
      ['onMessageIn', 3],
      ['onRebalanceEnd', 1],
    ]);
  });

  it('survives a failure handler that throws', () => {
    const fanOut = new SensorFanOut(
      [
        {
          onTopicBufferFull: () => {
            throw new Error('x');
          },
        },
      ],
      {
        onFailure: () => {
          throw new Error('handler');
        },
      },
    );
    expect(() => fanOut.onTopicBufferFull('t/0')).not.toThrow();
    expect(fanOut.errorCount()).toBe(1);
  });

  it('initiating events return the first numeric state a member returned, without reading the clock', () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(99);
    const journal: unknown[][] = [];
    const fanOut = new SensorFanOut([recorder('none', journal), recorder('a', journal, 3), recorder('b', journal, 4)]);
    expect(fanOut.onStreamEventIn('t', 0, null, null)).toBe(3);
    expect(fanOut.onCommitInitiated(null)).toBe(3);
    expect(fanOut.onSendInitiated(null, 't', null)).toBe(3);
    expect(fanOut.onAssignmentStart(null)).toBe(3);
    expect(fanOut.onRebalanceStart(null)).toBe(3);
    expect(now).not.toHaveBeenCalled();
  });

  it('falls back to the clock for commits, sends, assignments and rebalances, and for stream events only when a member reads a start time it does not take', () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(99);
    const quiet = new SensorFanOut([{ onStreamEventIn: () => undefined }]);
    expect(quiet.onStreamEventIn('t', 0, null, null)).toBeUndefined();
    expect(now).not.toHaveBeenCalled();
    expect([quiet.onCommitInitiated(null), quiet.onSendInitiated(null, 't', null), quiet.onAssignmentStart(null), quiet.onRebalanceStart(null)]).toEqual([
      99, 99, 99, 99,
    ]);
    // A member timing its own stream events (both callbacks) samples as it likes: no clock for it.
    const sampling = new SensorFanOut([{ onStreamEventIn: () => undefined, onStreamEventOut: () => undefined }]);
    expect(sampling.onStreamEventIn('t', 0, null, null)).toBeUndefined();
    expect(now).toHaveBeenCalledTimes(4);
    const timed = new SensorFanOut([{ onStreamEventIn: () => undefined, onStreamEventOut: () => undefined }, { onStreamEventOut: () => undefined }]);
    expect(timed.onStreamEventIn('t', 0, null, null)).toBe(99);
    expect(now).toHaveBeenCalledTimes(5);
  });

  it('leaves out methods inherited unchanged from the noOps prototype', () => {
    class Base implements Sensor {
      onMessageIn(): void {
        throw new Error('base no-op must not be called');
      }
      onMessageOut(): void {}
    }
    const seen: string[] = [];
    class Sub extends Base {
      override onMessageOut(): void {
        seen.push('out');
      }
    }
    const fanOut = new SensorFanOut([new Sub()], { noOps: Base.prototype });
    fanOut.onMessageIn('t', 0, null);
    fanOut.onMessageOut('t', 0, null);
    expect(seen).toEqual(['out']);
    expect(fanOut.errorCount()).toBe(0);
  });

  it('setMembers replaces the members and their order; the same sensor twice is called twice', () => {
    const journal: unknown[][] = [];
    const a = recorder('a', journal);
    const b = recorder('b', journal);
    const fanOut = new SensorFanOut([a]);
    fanOut.setMembers([b, a, b]);
    expect(fanOut.members).toEqual([b, a, b]);
    fanOut.onTableGet('t', 'k');
    expect(journal.map((e) => e[0])).toEqual(['b', 'a', 'b']);
    fanOut.setMembers([]);
    fanOut.onTableGet('t', 'k');
    expect(journal).toHaveLength(3);
  });

  it('nests: a fan-out is a member of another', () => {
    const journal: unknown[][] = [];
    const outer = new SensorFanOut([new SensorFanOut([recorder('inner', journal)])]);
    outer.onTopicBufferFull('orders/1');
    expect(journal).toEqual([['inner', 'onTopicBufferFull', 'orders/1']]);
  });
});
