// SensorFanOut: one sensor that forwards every event of the Sensor contract to many, in order. Per
// event it walks a precomputed array of the members that implement that event, calling each as a
// method (V8 inlines `s.onX(...)` where it does not inline a stored `fn.call(s, ...)`), so forwarding
// allocates nothing; a member that throws is counted and reported to `onFailure`, and never stops
// the others or reaches the caller. @sightline/sensors' SensorDelegate and @sightline/setup's
// combined plugin sensor are both built on it.
import type { Sensor, SensorEventName, SensorState } from './sensor.js';

/** A method a fan-out calls on its members: every event, and `asDict` for subclasses that gather figures. */
export type SensorFanOutMethod = SensorEventName | 'asDict';

/**
 * Called when a member throws: the member, the method, the error, and how many times that member
 * has now thrown in that method (1 the first time, so "log once" is `count === 1`).
 */
export type SensorFailureHandler = (sensor: Sensor, event: SensorFanOutMethod, error: unknown, count: number) => void;

export interface SensorFanOutOptions {
  /** Told of every failure of a member; must not throw (anything it throws is swallowed). */
  readonly onFailure?: SensorFailureHandler;
  /**
   * A prototype whose methods count as no-ops: a member whose method is the very function found
   * here (inherited, not overridden) is not called for that event. E.g. a sensor base class's prototype.
   */
  readonly noOps?: object;
}

function implementers(sensors: readonly Sensor[], event: SensorEventName, noOps: Record<string, unknown> | undefined): readonly Sensor[] {
  return sensors.filter((s) => {
    const fn = (s as Record<string, unknown>)[event];
    return typeof fn === 'function' && (noOps === undefined || fn !== noOps[event]);
  });
}

// The members implementing each event. A class with every field assigned in its constructor, so the
// object keeps one fast shape (an object literal filled key by key would fall into dictionary mode
// past a dozen keys, and every event would pay a hash lookup).
class Listeners {
  readonly onMessageIn: readonly Sensor[];
  readonly onMessageOut: readonly Sensor[];
  readonly onStreamEventIn: readonly Sensor[];
  readonly onStreamEventOut: readonly Sensor[];
  readonly onTableGet: readonly Sensor[];
  readonly onTableSet: readonly Sensor[];
  readonly onTableDel: readonly Sensor[];
  readonly onTableContains: readonly Sensor[];
  readonly onCommitInitiated: readonly Sensor[];
  readonly onCommitCompleted: readonly Sensor[];
  readonly onSendInitiated: readonly Sensor[];
  readonly onSendCompleted: readonly Sensor[];
  readonly onSendError: readonly Sensor[];
  readonly onAssignmentStart: readonly Sensor[];
  readonly onAssignmentCompleted: readonly Sensor[];
  readonly onAssignmentError: readonly Sensor[];
  readonly onRebalanceStart: readonly Sensor[];
  readonly onRebalanceReturn: readonly Sensor[];
  readonly onRebalanceEnd: readonly Sensor[];
  readonly onTopicBufferFull: readonly Sensor[];
  /**
   * Some member reads a stream event's start time (`onStreamEventOut`) without taking one itself
   * (`onStreamEventIn`): only then does the fan-out read the clock for a stream event no member timed.
   * A member implementing both decides itself which events it times (Monitor times 1 in 64).
   */
  readonly timeStreamEvents: boolean;

  constructor(sensors: readonly Sensor[], noOps: Record<string, unknown> | undefined) {
    this.onMessageIn = implementers(sensors, 'onMessageIn', noOps);
    this.onMessageOut = implementers(sensors, 'onMessageOut', noOps);
    this.onStreamEventIn = implementers(sensors, 'onStreamEventIn', noOps);
    this.onStreamEventOut = implementers(sensors, 'onStreamEventOut', noOps);
    this.onTableGet = implementers(sensors, 'onTableGet', noOps);
    this.onTableSet = implementers(sensors, 'onTableSet', noOps);
    this.onTableDel = implementers(sensors, 'onTableDel', noOps);
    this.onTableContains = implementers(sensors, 'onTableContains', noOps);
    this.onCommitInitiated = implementers(sensors, 'onCommitInitiated', noOps);
    this.onCommitCompleted = implementers(sensors, 'onCommitCompleted', noOps);
    this.onSendInitiated = implementers(sensors, 'onSendInitiated', noOps);
    this.onSendCompleted = implementers(sensors, 'onSendCompleted', noOps);
    this.onSendError = implementers(sensors, 'onSendError', noOps);
    this.onAssignmentStart = implementers(sensors, 'onAssignmentStart', noOps);
    this.onAssignmentCompleted = implementers(sensors, 'onAssignmentCompleted', noOps);
    this.onAssignmentError = implementers(sensors, 'onAssignmentError', noOps);
    this.onRebalanceStart = implementers(sensors, 'onRebalanceStart', noOps);
    this.onRebalanceReturn = implementers(sensors, 'onRebalanceReturn', noOps);
    this.onRebalanceEnd = implementers(sensors, 'onRebalanceEnd', noOps);
    this.onTopicBufferFull = implementers(sensors, 'onTopicBufferFull', noOps);
    this.timeStreamEvents = this.onStreamEventOut.some((s) => !this.onStreamEventIn.includes(s));
  }
}

/**
 * Forwards every Sensor event to its members in order. It is itself a sensor, so fan-outs nest.
 * Initiating events return the first numeric start time a member returned; commits, sends,
 * assignments and rebalances fall back to `performance.now()` when none did; `onStreamEventIn` falls
 * back to it only when some member implements `onStreamEventOut` but not `onStreamEventIn` (else it
 * returns undefined and the clock is not read: a member timing its own events samples as it likes).
 * The completing event hands that one number to every member.
 */
export class SensorFanOut implements Sensor {
  private memberList: readonly Sensor[] = [];
  private on: Listeners;
  private readonly noOps: Record<string, unknown> | undefined;
  private readonly onFailure: SensorFailureHandler | undefined;
  private readonly failureCounts = new Map<Sensor, Map<SensorFanOutMethod, number>>();
  private failureTotal = 0;

  constructor(members: readonly Sensor[] = [], options: SensorFanOutOptions = {}) {
    this.noOps = options.noOps as Record<string, unknown> | undefined;
    this.onFailure = options.onFailure;
    this.on = new Listeners([], this.noOps);
    this.setMembers(members);
  }

  /** The members, in forwarding order. */
  get members(): readonly Sensor[] {
    return this.memberList;
  }

  /**
   * Replaces the members (forwarding order is array order; the same sensor twice is called twice).
   * Events already under way finish with the old list.
   */
  setMembers(members: readonly Sensor[]): void {
    this.memberList = Object.freeze([...members]);
    this.on = new Listeners(this.memberList, this.noOps);
  }

  /** How many times members threw: all of them, one member's, or one member's in one method. */
  errorCount(sensor?: Sensor, event?: SensorFanOutMethod): number {
    if (sensor === undefined) return this.failureTotal;
    const byEvent = this.failureCounts.get(sensor);
    if (byEvent === undefined) return 0;
    if (event !== undefined) return byEvent.get(event) ?? 0;
    let total = 0;
    for (const n of byEvent.values()) total += n;
    return total;
  }

  /** Every failure count so far: member, then method, then count (only non-zero entries). */
  failureCountsByMember(): ReadonlyMap<Sensor, ReadonlyMap<SensorFanOutMethod, number>> {
    return this.failureCounts;
  }

  /**
   * Counts a member's failure and tells `onFailure`. The forwarding methods call it; a subclass
   * calling a member itself (e.g. `asDict`) calls it too.
   */
  reportFailure(sensor: Sensor, event: SensorFanOutMethod, error: unknown): void {
    this.failureTotal++;
    let byEvent = this.failureCounts.get(sensor);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.failureCounts.set(sensor, byEvent);
    }
    const count = (byEvent.get(event) ?? 0) + 1;
    byEvent.set(event, count);
    if (this.onFailure === undefined) return;
    try {
      this.onFailure(sensor, event, error, count);
    } catch {
      // A broken failure handler must not turn a suppressed sensor failure into one the caller sees.
    }
  }

  // ---- forwarding: one loop per event, written out so each call site stays simple for the JIT ----

  onMessageIn(tp: string, offset: number, message: unknown): void {
    const list = this.on.onMessageIn;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onMessageIn!(tp, offset, message);
      } catch (error) {
        this.reportFailure(s, 'onMessageIn', error);
      }
    }
  }

  onMessageOut(tp: string, offset: number, message: unknown): void {
    const list = this.on.onMessageOut;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onMessageOut!(tp, offset, message);
      } catch (error) {
        this.reportFailure(s, 'onMessageOut', error);
      }
    }
  }

  onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState | undefined {
    const list = this.on.onStreamEventIn;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onStreamEventIn!(tp, offset, stream, event);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.reportFailure(s, 'onStreamEventIn', error);
      }
    }
    // Read the clock only when no member returned a start time and one relies on the fan-out for it.
    if (state === undefined && this.on.timeStreamEvents) state = performance.now();
    return state;
  }

  onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void {
    const list = this.on.onStreamEventOut;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onStreamEventOut!(tp, offset, stream, event, state);
      } catch (error) {
        this.reportFailure(s, 'onStreamEventOut', error);
      }
    }
  }

  onTableGet(table: unknown, key: unknown): void {
    const list = this.on.onTableGet;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableGet!(table, key);
      } catch (error) {
        this.reportFailure(s, 'onTableGet', error);
      }
    }
  }

  onTableSet(table: unknown, key: unknown, value: unknown): void {
    const list = this.on.onTableSet;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableSet!(table, key, value);
      } catch (error) {
        this.reportFailure(s, 'onTableSet', error);
      }
    }
  }

  onTableDel(table: unknown, key: unknown): void {
    const list = this.on.onTableDel;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableDel!(table, key);
      } catch (error) {
        this.reportFailure(s, 'onTableDel', error);
      }
    }
  }

  onTableContains(table: unknown, key: unknown): void {
    const list = this.on.onTableContains;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableContains!(table, key);
      } catch (error) {
        this.reportFailure(s, 'onTableContains', error);
      }
    }
  }

  onCommitInitiated(consumer: unknown): SensorState {
    const list = this.on.onCommitInitiated;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onCommitInitiated!(consumer);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.reportFailure(s, 'onCommitInitiated', error);
      }
    }
    return state ?? performance.now();
  }

  onCommitCompleted(consumer: unknown, state: SensorState): void {
    const list = this.on.onCommitCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onCommitCompleted!(consumer, state);
      } catch (error) {
        this.reportFailure(s, 'onCommitCompleted', error);
      }
    }
  }

  onSendInitiated(producer: unknown, topic: string, message: unknown): SensorState {
    const list = this.on.onSendInitiated;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onSendInitiated!(producer, topic, message);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.reportFailure(s, 'onSendInitiated', error);
      }
    }
    return state ?? performance.now();
  }

  onSendCompleted(producer: unknown, state: SensorState): void {
    const list = this.on.onSendCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onSendCompleted!(producer, state);
      } catch (error) {
        this.reportFailure(s, 'onSendCompleted', error);
      }
    }
  }

  onSendError(producer: unknown, err: unknown, state: SensorState): void {
    const list = this.on.onSendError;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onSendError!(producer, err, state);
      } catch (error) {
        this.reportFailure(s, 'onSendError', error);
      }
    }
  }

  onAssignmentStart(assignor: unknown): SensorState {
    const list = this.on.onAssignmentStart;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onAssignmentStart!(assignor);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.reportFailure(s, 'onAssignmentStart', error);
      }
    }
    return state ?? performance.now();
  }

  onAssignmentCompleted(assignor: unknown, state: SensorState): void {
    const list = this.on.onAssignmentCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onAssignmentCompleted!(assignor, state);
      } catch (error) {
        this.reportFailure(s, 'onAssignmentCompleted', error);
      }
    }
  }

  onAssignmentError(assignor: unknown, err: unknown, state: SensorState): void {
    const list = this.on.onAssignmentError;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onAssignmentError!(assignor, err, state);
      } catch (error) {
        this.reportFailure(s, 'onAssignmentError', error);
      }
    }
  }

  onRebalanceStart(app: unknown): SensorState {
    const list = this.on.onRebalanceStart;
    let state: SensorState | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        const r = s.onRebalanceStart!(app);
        if (state === undefined && typeof r === 'number') state = r;
      } catch (error) {
        this.reportFailure(s, 'onRebalanceStart', error);
      }
    }
    return state ?? performance.now();
  }

  onRebalanceReturn(app: unknown, state: SensorState): void {
    const list = this.on.onRebalanceReturn;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onRebalanceReturn!(app, state);
      } catch (error) {
        this.reportFailure(s, 'onRebalanceReturn', error);
      }
    }
  }

  onRebalanceEnd(app: unknown, state: SensorState): void {
    const list = this.on.onRebalanceEnd;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onRebalanceEnd!(app, state);
      } catch (error) {
        this.reportFailure(s, 'onRebalanceEnd', error);
      }
    }
  }

  onTopicBufferFull(tp: string): void {
    const list = this.on.onTopicBufferFull;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTopicBufferFull!(tp);
      } catch (error) {
        this.reportFailure(s, 'onTopicBufferFull', error);
      }
    }
  }
}
