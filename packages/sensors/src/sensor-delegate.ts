// SensorDelegate: one sensor that forwards every event to many, in order. Per event it walks a
// precomputed array of the sensors that implement that event (base-class no-ops are left out), so
// forwarding allocates nothing; a sensor that throws is counted, logged once per sensor and event,
// and never stops the others or the caller.
import { getLogger, type SensorState } from '@sightline/core';
import { Sensor, type StreamSensor, type StreamSensorEventName } from './sensor.js';

const log = getLogger('sightline.sensors.delegate');

export const STREAM_SENSOR_EVENT_NAMES: readonly StreamSensorEventName[] = Object.freeze([
  'onMessageIn',
  'onMessageOut',
  'onStreamEventIn',
  'onStreamEventOut',
  'onTableGet',
  'onTableSet',
  'onTableDel',
  'onTableContains',
  'onCommitInitiated',
  'onCommitCompleted',
  'onSendInitiated',
  'onSendCompleted',
  'onSendError',
  'onAssignmentStart',
  'onAssignmentCompleted',
  'onAssignmentError',
  'onRebalanceStart',
  'onRebalanceReturn',
  'onRebalanceEnd',
  'onTopicBufferFull',
] as const);

const base = Sensor.prototype as unknown as Record<string, unknown>;

function implementers(sensors: readonly StreamSensor[], event: StreamSensorEventName): readonly StreamSensor[] {
  return sensors.filter((s) => {
    const fn = (s as Record<string, unknown>)[event];
    return typeof fn === 'function' && fn !== base[event];
  });
}

// The sensors implementing each event. A class with every field assigned in its constructor, so the
// object keeps one fast shape (an object literal filled key by key would fall into dictionary mode
// past a dozen keys, and every event would pay a hash lookup).
class Listeners {
  readonly onMessageIn: readonly StreamSensor[];
  readonly onMessageOut: readonly StreamSensor[];
  readonly onStreamEventIn: readonly StreamSensor[];
  readonly onStreamEventOut: readonly StreamSensor[];
  readonly onTableGet: readonly StreamSensor[];
  readonly onTableSet: readonly StreamSensor[];
  readonly onTableDel: readonly StreamSensor[];
  readonly onTableContains: readonly StreamSensor[];
  readonly onCommitInitiated: readonly StreamSensor[];
  readonly onCommitCompleted: readonly StreamSensor[];
  readonly onSendInitiated: readonly StreamSensor[];
  readonly onSendCompleted: readonly StreamSensor[];
  readonly onSendError: readonly StreamSensor[];
  readonly onAssignmentStart: readonly StreamSensor[];
  readonly onAssignmentCompleted: readonly StreamSensor[];
  readonly onAssignmentError: readonly StreamSensor[];
  readonly onRebalanceStart: readonly StreamSensor[];
  readonly onRebalanceReturn: readonly StreamSensor[];
  readonly onRebalanceEnd: readonly StreamSensor[];
  readonly onTopicBufferFull: readonly StreamSensor[];

  constructor(sensors: readonly StreamSensor[]) {
    this.onMessageIn = implementers(sensors, 'onMessageIn');
    this.onMessageOut = implementers(sensors, 'onMessageOut');
    this.onStreamEventIn = implementers(sensors, 'onStreamEventIn');
    this.onStreamEventOut = implementers(sensors, 'onStreamEventOut');
    this.onTableGet = implementers(sensors, 'onTableGet');
    this.onTableSet = implementers(sensors, 'onTableSet');
    this.onTableDel = implementers(sensors, 'onTableDel');
    this.onTableContains = implementers(sensors, 'onTableContains');
    this.onCommitInitiated = implementers(sensors, 'onCommitInitiated');
    this.onCommitCompleted = implementers(sensors, 'onCommitCompleted');
    this.onSendInitiated = implementers(sensors, 'onSendInitiated');
    this.onSendCompleted = implementers(sensors, 'onSendCompleted');
    this.onSendError = implementers(sensors, 'onSendError');
    this.onAssignmentStart = implementers(sensors, 'onAssignmentStart');
    this.onAssignmentCompleted = implementers(sensors, 'onAssignmentCompleted');
    this.onAssignmentError = implementers(sensors, 'onAssignmentError');
    this.onRebalanceStart = implementers(sensors, 'onRebalanceStart');
    this.onRebalanceReturn = implementers(sensors, 'onRebalanceReturn');
    this.onRebalanceEnd = implementers(sensors, 'onRebalanceEnd');
    this.onTopicBufferFull = implementers(sensors, 'onTopicBufferFull');
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A sensor's label in `getCombinedMetrics()`: its `name` when it has one, else its class name. */
function labelOf(sensor: StreamSensor): string {
  const name = (sensor as { name?: unknown }).name;
  if (typeof name === 'string' && name.length > 0) return name;
  const ctor = (sensor as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : 'sensor';
}

/**
 * Forwards every sensor event to each of its sensors in the order they were added. It is itself a
 * sensor, so delegates nest. Initiating events return the first start time a sensor returned (for
 * commits, sends, assignments and rebalances, `performance.now()` when none did), and the matching
 * completed event hands that one number to every sensor.
 */
export class SensorDelegate extends Sensor {
  private members: readonly StreamSensor[] = [];
  private on = new Listeners([]);
  private readonly failures = new Map<StreamSensor, Map<string, number>>();
  private failureCount = 0;

  constructor(...sensors: StreamSensor[]) {
    super();
    for (const sensor of sensors) this.addSensor(sensor);
  }

  /** The sensors, in forwarding order. */
  get sensors(): readonly StreamSensor[] {
    return this.members;
  }

  /** Adds a sensor at the end; adding one already present does nothing. */
  addSensor(sensor: StreamSensor): void {
    if (sensor === this || this.members.includes(sensor)) return;
    this.members = [...this.members, sensor];
    this.on = new Listeners(this.members);
  }

  /** Removes a sensor; removing one not present does nothing. Events already under way finish. */
  removeSensor(sensor: StreamSensor): void {
    if (!this.members.includes(sensor)) return;
    this.members = this.members.filter((s) => s !== sensor);
    this.on = new Listeners(this.members);
  }

  private failed(sensor: StreamSensor, event: string, error: unknown): void {
    this.failureCount++;
    let byEvent = this.failures.get(sensor);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.failures.set(sensor, byEvent);
    }
    const count = (byEvent.get(event) ?? 0) + 1;
    byEvent.set(event, count);
    if (count === 1) {
      log.warn(`sensor ${labelOf(sensor)} threw in ${event}; suppressed (logged once per sensor and event)`, {
        sensor: labelOf(sensor),
        event,
        error: describeError(error),
      });
    }
  }

  /** How many times sensors threw: all of them, one sensor's, or one sensor's in one event. */
  errorCount(sensor?: StreamSensor, event?: StreamSensorEventName): number {
    if (sensor === undefined) return this.failureCount;
    const byEvent = this.failures.get(sensor);
    if (byEvent === undefined) return 0;
    if (event !== undefined) return byEvent.get(event) ?? 0;
    let total = 0;
    for (const n of byEvent.values()) total += n;
    return total;
  }

  /** Each sensor's `asDict()` under its label (`name`, else class name; repeats get `#2`, `#3`...). */
  getCombinedMetrics(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const sensor of this.members) {
      if (typeof sensor.asDict !== 'function') continue;
      let label = labelOf(sensor);
      for (let n = 2; label in out; n++) label = `${labelOf(sensor)}#${n}`;
      try {
        out[label] = sensor.asDict();
      } catch (error) {
        this.failed(sensor, 'asDict', error);
      }
    }
    return out;
  }

  override asDict(): Record<string, unknown> {
    return this.getCombinedMetrics();
  }

  // ---- forwarding: one loop per event, written out so each call site stays simple for the JIT ----

  override onMessageIn(tp: string, offset: number, message: unknown): void {
    const list = this.on.onMessageIn;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onMessageIn!(tp, offset, message);
      } catch (error) {
        this.failed(s, 'onMessageIn', error);
      }
    }
  }

  override onMessageOut(tp: string, offset: number, message: unknown): void {
    const list = this.on.onMessageOut;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onMessageOut!(tp, offset, message);
      } catch (error) {
        this.failed(s, 'onMessageOut', error);
      }
    }
  }

  override onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState | undefined {
    const list = this.on.onStreamEventIn;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onStreamEventIn!(tp, offset, stream, event);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.failed(s, 'onStreamEventIn', error);
      }
    }
    return state;
  }

  override onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void {
    const list = this.on.onStreamEventOut;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onStreamEventOut!(tp, offset, stream, event, state);
      } catch (error) {
        this.failed(s, 'onStreamEventOut', error);
      }
    }
  }

  override onTableGet(table: unknown, key: unknown): void {
    const list = this.on.onTableGet;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableGet!(table, key);
      } catch (error) {
        this.failed(s, 'onTableGet', error);
      }
    }
  }

  override onTableSet(table: unknown, key: unknown, value: unknown): void {
    const list = this.on.onTableSet;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableSet!(table, key, value);
      } catch (error) {
        this.failed(s, 'onTableSet', error);
      }
    }
  }

  override onTableDel(table: unknown, key: unknown): void {
    const list = this.on.onTableDel;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableDel!(table, key);
      } catch (error) {
        this.failed(s, 'onTableDel', error);
      }
    }
  }

  override onTableContains(table: unknown, key: unknown): void {
    const list = this.on.onTableContains;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableContains!(table, key);
      } catch (error) {
        this.failed(s, 'onTableContains', error);
      }
    }
  }

  override onCommitInitiated(consumer: unknown): SensorState {
    const list = this.on.onCommitInitiated;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onCommitInitiated!(consumer);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.failed(s, 'onCommitInitiated', error);
      }
    }
    return state ?? performance.now();
  }

  override onCommitCompleted(consumer: unknown, state: SensorState): void {
    const list = this.on.onCommitCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onCommitCompleted!(consumer, state);
      } catch (error) {
        this.failed(s, 'onCommitCompleted', error);
      }
    }
  }

  override onSendInitiated(producer: unknown, topic: string, message: unknown): SensorState {
    const list = this.on.onSendInitiated;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onSendInitiated!(producer, topic, message);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.failed(s, 'onSendInitiated', error);
      }
    }
    return state ?? performance.now();
  }

  override onSendCompleted(producer: unknown, state: SensorState): void {
    const list = this.on.onSendCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onSendCompleted!(producer, state);
      } catch (error) {
        this.failed(s, 'onSendCompleted', error);
      }
    }
  }

  override onSendError(producer: unknown, err: unknown, state: SensorState): void {
    const list = this.on.onSendError;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onSendError!(producer, err, state);
      } catch (error) {
        this.failed(s, 'onSendError', error);
      }
    }
  }

  override onAssignmentStart(assignor: unknown): SensorState {
    const list = this.on.onAssignmentStart;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onAssignmentStart!(assignor);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.failed(s, 'onAssignmentStart', error);
      }
    }
    return state ?? performance.now();
  }

  override onAssignmentCompleted(assignor: unknown, state: SensorState): void {
    const list = this.on.onAssignmentCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onAssignmentCompleted!(assignor, state);
      } catch (error) {
        this.failed(s, 'onAssignmentCompleted', error);
      }
    }
  }

  override onAssignmentError(assignor: unknown, err: unknown, state: SensorState): void {
    const list = this.on.onAssignmentError;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onAssignmentError!(assignor, err, state);
      } catch (error) {
        this.failed(s, 'onAssignmentError', error);
      }
    }
  }

  override onRebalanceStart(app: unknown): SensorState {
    const list = this.on.onRebalanceStart;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onRebalanceStart!(app);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.failed(s, 'onRebalanceStart', error);
      }
    }
    return state ?? performance.now();
  }

  override onRebalanceReturn(app: unknown, state: SensorState): void {
    const list = this.on.onRebalanceReturn;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onRebalanceReturn!(app, state);
      } catch (error) {
        this.failed(s, 'onRebalanceReturn', error);
      }
    }
  }

  override onRebalanceEnd(app: unknown, state: SensorState): void {
    const list = this.on.onRebalanceEnd;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onRebalanceEnd!(app, state);
      } catch (error) {
        this.failed(s, 'onRebalanceEnd', error);
      }
    }
  }

  override onTopicBufferFull(tp: string): void {
    const list = this.on.onTopicBufferFull;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTopicBufferFull!(tp);
      } catch (error) {
        this.failed(s, 'onTopicBufferFull', error);
      }
    }
  }
}
