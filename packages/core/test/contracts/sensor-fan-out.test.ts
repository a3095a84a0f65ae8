import { type Sensor } from '../../src/index.js';
import { SENSOR_EVENT_NAMES, SENSOR_EVENTS, SensorFanOut, type CompleteSensor, type SensorEventName } from '../../src/internal.js';

/** A sensor implementing every event, each pushing `[label, event, ...args]` into `journal`. */
function recorder(label: string, journal: unknown[][], start?: number): Sensor {
  const sensor: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of SENSOR_EVENT_NAMES) {
    sensor[name] = (...args) => {
      journal.push([label, name, ...args]);
      return start;
    };
  }
  return sensor;
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
    expect(journal).toEqual(
      SENSOR_EVENT_NAMES.flatMap((name) => [
        ['a', name, ...argsOf(name)],
        ['b', name, ...argsOf(name)],
      ]),
    );
    expect(SENSOR_EVENT_NAMES.map(argsOf).every((args) => args.length >= 1)).toBe(true);
  });

  it('has one table row per event, naming as many arguments as the forwarding method takes', () => {
    const fanOut = new SensorFanOut();
    expect(Object.keys(SENSOR_EVENTS)).toEqual(SENSOR_EVENT_NAMES);
    for (const name of SENSOR_EVENT_NAMES)
      expect([name, SENSOR_EVENTS[name].args.length]).toEqual([name, (fanOut[name] as () => void).length]);
  });

  it('makes a sensor that misses an event fail to compile as a CompleteSensor', () => {
    class Full extends SensorFanOut implements CompleteSensor {
      asDict(): Record<string, unknown> {
        return {};
      }
    }
    const { onTopicBufferFull: _dropped, ...missingOne } = Object.fromEntries(
      SENSOR_EVENT_NAMES.map((n) => [n, () => undefined]),
    ) as Record<SensorEventName, () => undefined>;
    // @ts-expect-error: onTopicBufferFull and asDict are missing, so this is not a CompleteSensor
    const incomplete: CompleteSensor = missingOne;
    expect(Object.keys(incomplete)).toHaveLength(19);
    expect(typeof new Full().onTopicBufferFull).toBe('function');
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

  it('an opening event returns the one number its members returned, as is, without reading the clock', () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(99);
    const journal: unknown[][] = [];
    const fanOut = new SensorFanOut([recorder('none', journal), recorder('a', journal, 3), recorder('b', journal, 3)]);
    expect(fanOut.onStreamEventIn('t', 0, null, null)).toBe(3);
    expect(fanOut.onCommitInitiated(null)).toBe(3);
    expect(fanOut.onSendInitiated(null, 't', null)).toBe(3);
    expect(fanOut.onAssignmentStart(null)).toBe(3);
    expect(fanOut.onRebalanceStart(null)).toBe(3);
    expect(now).not.toHaveBeenCalled();
  });

  it("hands each member's own state, unchanged, to its closing callbacks; a member that returned none gets the start time", () => {
    jest.spyOn(performance, 'now').mockReturnValue(99);
    const seen: unknown[][] = [];
    const objectState = (label: string) => {
      const own = { label };
      const sensor: Sensor = {};
      for (const name of SENSOR_EVENT_NAMES) {
        (sensor as Record<string, unknown>)[name] = (...args: unknown[]) => {
          seen.push([label, name, args[args.length - 1]]);
          return own;
        };
      }
      return { sensor, own };
    };
    const a = objectState('a');
    const b = objectState('b');
    const timing: Sensor = {
      onCommitInitiated: () => 7,
      onCommitCompleted: (_c, state) => void seen.push(['timing', 'onCommitCompleted', state]),
    };
    const quiet: Sensor = { onCommitCompleted: (_c, state) => void seen.push(['quiet', 'onCommitCompleted', state]) };
    const fanOut = new SensorFanOut([a.sensor, timing, b.sensor, quiet]);

    const pairs: [SensorEventName, SensorEventName[]][] = [
      ['onStreamEventIn', ['onStreamEventOut']],
      ['onCommitInitiated', ['onCommitCompleted']],
      ['onSendInitiated', ['onSendCompleted', 'onSendError']],
      ['onAssignmentStart', ['onAssignmentCompleted', 'onAssignmentError']],
      ['onRebalanceStart', ['onRebalanceReturn', 'onRebalanceEnd']],
    ];
    for (const [opener, closers] of pairs) {
      const arity = (fanOut[opener] as () => void).length;
      const state = call(fanOut, opener, ...Array.from({ length: arity }, () => 'arg'));
      for (const closer of closers) {
        seen.length = 0;
        const closerArity = (fanOut[closer] as () => void).length;
        call(fanOut, closer, ...Array.from({ length: closerArity - 1 }, () => 'arg'), state);
        const expected: unknown[][] = [
          ['a', closer, a.own],
          ['b', closer, b.own],
        ];
        if (closer === 'onCommitCompleted') expected.splice(1, 0, ['timing', closer, 7]);
        if (closer === 'onCommitCompleted') expected.push(['quiet', closer, 7]);
        expect(seen).toEqual(expected);
      }
    }
    // No member returned a number for sends: a member without a state would get the clock's start time.
    const lone = new SensorFanOut([a.sensor, { onSendCompleted: (_p, state) => void seen.push(['lone', state]) }]);
    seen.length = 0;
    lone.onSendCompleted(null, lone.onSendInitiated(null, 't', null));
    expect(seen).toEqual([
      ['a', 'onSendInitiated', null],
      ['a', 'onSendCompleted', a.own],
      ['lone', 99],
    ]);
  });

  it('keeps distinct numeric states apart too, and a state from another fan-out is passed on as a value', () => {
    jest.spyOn(performance, 'now').mockReturnValue(99);
    const got: unknown[] = [];
    const m = (start: number): Sensor => ({ onCommitInitiated: () => start, onCommitCompleted: (_c, state) => void got.push(state) });
    const fanOut = new SensorFanOut([m(1), m(2), m(3)]);
    fanOut.onCommitCompleted(null, fanOut.onCommitInitiated(null));
    expect(got).toEqual([1, 2, 3]);
    const other = new SensorFanOut([m(4), m(5)]);
    const foreign = other.onCommitInitiated(null);
    got.length = 0;
    fanOut.onCommitCompleted(null, foreign);
    expect(got).toEqual([foreign, foreign, foreign]);
  });

  it('nested fan-outs hand every member its own state', () => {
    const got: unknown[] = [];
    const m = (own: unknown): Sensor => ({ onSendInitiated: () => own, onSendError: (_p, _e, state) => void got.push(state) });
    const x = { x: 1 };
    const y = { y: 2 };
    const outer = new SensorFanOut([m(x), new SensorFanOut([m(y), m(5)]), m(6)]);
    outer.onSendError(null, new Error('e'), outer.onSendInitiated(null, 't', null));
    expect(got).toEqual([x, y, 5, 6]);
  });

  it('falls back to the clock for commits, sends, assignments and rebalances, and for stream events only when a member reads a start time it does not take', () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(99);
    const quiet = new SensorFanOut([{ onStreamEventIn: () => undefined }]);
    expect(quiet.onStreamEventIn('t', 0, null, null)).toBeUndefined();
    expect(now).not.toHaveBeenCalled();
    expect([
      quiet.onCommitInitiated(null),
      quiet.onSendInitiated(null, 't', null),
      quiet.onAssignmentStart(null),
      quiet.onRebalanceStart(null),
    ]).toEqual([99, 99, 99, 99]);
    // A member timing its own stream events (both callbacks) samples as it likes: no clock for it.
    const sampling = new SensorFanOut([{ onStreamEventIn: () => undefined, onStreamEventOut: () => undefined }]);
    expect(sampling.onStreamEventIn('t', 0, null, null)).toBeUndefined();
    expect(now).toHaveBeenCalledTimes(4);
    const timed = new SensorFanOut([
      { onStreamEventIn: () => undefined, onStreamEventOut: () => undefined },
      { onStreamEventOut: () => undefined },
    ]);
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
