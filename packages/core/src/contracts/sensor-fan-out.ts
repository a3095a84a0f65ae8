// SensorFanOut: one sensor that forwards every event of the Sensor contract to many, in order. Per
// event it walks a precomputed array of the members that implement that event, calling each as a
// method (V8 inlines `s.onX(...)` where it does not inline a stored `fn.call(s, ...)`), so forwarding
// allocates nothing; a member that throws is counted and reported to `onFailure`, and never stops
// the others or reaches the caller. @sightline/sensors' SensorDelegate and @sightline/setup's
// combined plugin sensor are both built on it. The forwarding methods are generated from the
// contract (scripts/generate-sensor-fan-out.mjs), and so are the listener lists, from the table.
import { SENSOR_EVENT_NAMES, SENSOR_EVENTS, type Sensor, type SensorEventName, type SensorEvents, type SensorState } from './sensor.js';
import { MemberStates, settleStates, twoStates } from './member-states.js';

/** A method a fan-out calls on its members: every event, and `asDict` for subclasses that gather figures. */
export type SensorFanOutMethod = SensorEventName | 'asDict';

/**
 * Called when a member throws: the member, the method, the error, and how many times that member
 * has now thrown in that method (1 the first time, so "log once" is `count === 1`).
 */
export type SensorFailureHandler = (sensor: Sensor, event: SensorFanOutMethod, error: unknown, count: number) => void;

/** Options of `new SensorFanOut(members, options)`. */
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

/** The events whose opener reads the clock only when some member reads a start time it does not take. */
const OPENS_WHEN_READ = SENSOR_EVENT_NAMES.filter((name) => {
  const timing = (SENSOR_EVENTS[name] as { timing?: { opens?: string } }).timing;
  return timing?.opens === 'whenRead';
});
const CLOSERS_OF = new Map<SensorEventName, SensorEventName[]>(
  OPENS_WHEN_READ.map((opener) => [
    opener,
    SENSOR_EVENT_NAMES.filter((name) => (SENSOR_EVENTS[name] as { timing?: { closes?: string } }).timing?.closes === opener),
  ]),
);

// The members implementing each event, one field per event. A class instance filled in its
// constructor keeps one fast shape (an object literal filled key by key falls into dictionary mode
// past a dozen keys, and every event would pay a hash lookup).
type Listeners = Readonly<Record<SensorEventName, readonly Sensor[]>> & {
  /**
   * Some member reads a stream event's start time (`onStreamEventOut`) without taking one itself
   * (`onStreamEventIn`): only then does the fan-out read the clock for a stream event no member timed.
   * A member implementing both decides itself which events it times (Monitor times 1 in 64).
   */
  readonly timeStreamEvents: boolean;
};

class ListenerTable {
  constructor(sensors: readonly Sensor[], noOps: Record<string, unknown> | undefined) {
    const self = this as unknown as Record<string, unknown>;
    for (const name of SENSOR_EVENT_NAMES) self[name] = implementers(sensors, name, noOps);
    const on = this as unknown as Listeners;
    self['timeStreamEvents'] = (CLOSERS_OF.get('onStreamEventIn') ?? []).some((closer) =>
      on[closer].some((s) => !on.onStreamEventIn.includes(s)),
    );
  }
}

function listeners(sensors: readonly Sensor[], noOps: Record<string, unknown> | undefined): Listeners {
  return new ListenerTable(sensors, noOps) as unknown as Listeners;
}

/**
 * Forwards every Sensor event to its members in order. It is itself a sensor, so fan-outs nest.
 *
 * State: each member's closing callback receives exactly what that member's opening callback
 * returned, and a member that returned nothing receives a start time. When at most one distinct
 * value was returned and it is a number, the fan-out returns that number (no allocation: the
 * common case); otherwise it returns a small object holding each member's state,
 * which its closing callbacks unpack. The start time is the first number a member returned, else
 * `performance.now()` (for stream events only when some member implements `onStreamEventOut` but not
 * `onStreamEventIn`; a member implementing both times, or samples, its own events).
 */
export class SensorFanOut implements SensorEvents, Sensor {
  private memberList: readonly Sensor[] = [];
  private on: Listeners;
  private readonly noOps: Record<string, unknown> | undefined;
  private readonly onFailure: SensorFailureHandler | undefined;
  private readonly failureCounts = new Map<Sensor, Map<SensorFanOutMethod, number>>();
  private failureTotal = 0;

  constructor(members: readonly Sensor[] = [], options: SensorFanOutOptions = {}) {
    this.noOps = options.noOps as Record<string, unknown> | undefined;
    this.onFailure = options.onFailure;
    this.on = listeners([], this.noOps);
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
    this.on = listeners(this.memberList, this.noOps);
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

  /** `state` holds each member's own state, packed by this fan-out (numbers and undefined fail fast). */
  private packed(state: SensorState): state is MemberStates {
    return typeof state === 'object' && state instanceof MemberStates && state.owner === this;
  }

  /**
   * A closing event whose state this fan-out packed: each member gets its own. Off the hot path (a
   * packed state means members returned objects or different values), so one generic loop serves all.
   */
  private closeEach(event: SensorEventName, states: MemberStates, args: unknown[]): void {
    const list = this.on[event];
    const at = args.length;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      args[at] = states.of(s);
      try {
        (s[event] as (...a: unknown[]) => void).apply(s, args);
      } catch (error) {
        this.reportFailure(s, event, error);
      }
    }
  }

  // The forwarding methods, one per event, are generated from the contract: `implements SensorEvents`
  // makes a missing one a compile error, and the lint script fails when this region is stale.
  // <generated by scripts/generate-sensor-fan-out.mjs from SENSOR_EVENTS: edit the script, not this region>

  /** Forwards `onMessageIn` to the members that implement it, in order. */
  onMessageIn(tp: string, offset: number, message: unknown): void {
    const list = this.on.onMessageIn;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onMessageIn!(tp, offset, message);
      } catch (thrown) {
        this.reportFailure(s, 'onMessageIn', thrown);
      }
    }
  }

  /** Forwards `onMessageOut` to the members that implement it, in order. */
  onMessageOut(tp: string, offset: number, message: unknown): void {
    const list = this.on.onMessageOut;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onMessageOut!(tp, offset, message);
      } catch (thrown) {
        this.reportFailure(s, 'onMessageOut', thrown);
      }
    }
  }

  /** Forwards `onStreamEventIn` to the members that implement it, in order, and returns their states (packed when they differ). */
  onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState {
    const on = this.on;
    const list = on.onStreamEventIn;
    let first: SensorState;
    let at = -1;
    let states: SensorState[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      let r: SensorState;
      try {
        r = s.onStreamEventIn!(tp, offset, stream, event);
      } catch (thrown) {
        this.reportFailure(s, 'onStreamEventIn', thrown);
        continue;
      }
      if (r === undefined) continue;
      if (at < 0) {
        first = r;
        at = i;
      } else if (states !== undefined) states[i] = r;
      else if (r !== first) states = twoStates(list.length, at, first, i, r);
    }
    if (states === undefined && (typeof first === 'number' || (at < 0 && !on.timeStreamEvents))) return first;
    return settleStates(this, list, first, at, states, on.timeStreamEvents);
  }

  /** Forwards `onStreamEventOut` to the members that implement it, in order, each with the state it returned. */
  onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void {
    if (this.packed(state)) return this.closeEach('onStreamEventOut', state, [tp, offset, stream, event]);
    const list = this.on.onStreamEventOut;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onStreamEventOut!(tp, offset, stream, event, state);
      } catch (thrown) {
        this.reportFailure(s, 'onStreamEventOut', thrown);
      }
    }
  }

  /** Forwards `onTableGet` to the members that implement it, in order. */
  onTableGet(table: unknown, key: unknown): void {
    const list = this.on.onTableGet;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableGet!(table, key);
      } catch (thrown) {
        this.reportFailure(s, 'onTableGet', thrown);
      }
    }
  }

  /** Forwards `onTableSet` to the members that implement it, in order. */
  onTableSet(table: unknown, key: unknown, value: unknown): void {
    const list = this.on.onTableSet;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableSet!(table, key, value);
      } catch (thrown) {
        this.reportFailure(s, 'onTableSet', thrown);
      }
    }
  }

  /** Forwards `onTableDel` to the members that implement it, in order. */
  onTableDel(table: unknown, key: unknown): void {
    const list = this.on.onTableDel;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableDel!(table, key);
      } catch (thrown) {
        this.reportFailure(s, 'onTableDel', thrown);
      }
    }
  }

  /** Forwards `onTableContains` to the members that implement it, in order. */
  onTableContains(table: unknown, key: unknown): void {
    const list = this.on.onTableContains;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTableContains!(table, key);
      } catch (thrown) {
        this.reportFailure(s, 'onTableContains', thrown);
      }
    }
  }

  /** Forwards `onCommitInitiated` to the members that implement it, in order, and returns their states (packed when they differ). */
  onCommitInitiated(consumer: unknown): SensorState {
    const on = this.on;
    const list = on.onCommitInitiated;
    let first: SensorState;
    let at = -1;
    let states: SensorState[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      let r: SensorState;
      try {
        r = s.onCommitInitiated!(consumer);
      } catch (thrown) {
        this.reportFailure(s, 'onCommitInitiated', thrown);
        continue;
      }
      if (r === undefined) continue;
      if (at < 0) {
        first = r;
        at = i;
      } else if (states !== undefined) states[i] = r;
      else if (r !== first) states = twoStates(list.length, at, first, i, r);
    }
    if (states === undefined && typeof first === 'number') return first;
    return settleStates(this, list, first, at, states, true);
  }

  /** Forwards `onCommitCompleted` to the members that implement it, in order, each with the state it returned. */
  onCommitCompleted(consumer: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onCommitCompleted', state, [consumer]);
    const list = this.on.onCommitCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onCommitCompleted!(consumer, state);
      } catch (thrown) {
        this.reportFailure(s, 'onCommitCompleted', thrown);
      }
    }
  }

  /** Forwards `onSendInitiated` to the members that implement it, in order, and returns their states (packed when they differ). */
  onSendInitiated(producer: unknown, topic: string, message: unknown): SensorState {
    const on = this.on;
    const list = on.onSendInitiated;
    let first: SensorState;
    let at = -1;
    let states: SensorState[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      let r: SensorState;
      try {
        r = s.onSendInitiated!(producer, topic, message);
      } catch (thrown) {
        this.reportFailure(s, 'onSendInitiated', thrown);
        continue;
      }
      if (r === undefined) continue;
      if (at < 0) {
        first = r;
        at = i;
      } else if (states !== undefined) states[i] = r;
      else if (r !== first) states = twoStates(list.length, at, first, i, r);
    }
    if (states === undefined && typeof first === 'number') return first;
    return settleStates(this, list, first, at, states, true);
  }

  /** Forwards `onSendCompleted` to the members that implement it, in order, each with the state it returned. */
  onSendCompleted(producer: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onSendCompleted', state, [producer]);
    const list = this.on.onSendCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onSendCompleted!(producer, state);
      } catch (thrown) {
        this.reportFailure(s, 'onSendCompleted', thrown);
      }
    }
  }

  /** Forwards `onSendError` to the members that implement it, in order, each with the state it returned. */
  onSendError(producer: unknown, error: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onSendError', state, [producer, error]);
    const list = this.on.onSendError;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onSendError!(producer, error, state);
      } catch (thrown) {
        this.reportFailure(s, 'onSendError', thrown);
      }
    }
  }

  /** Forwards `onAssignmentStart` to the members that implement it, in order, and returns their states (packed when they differ). */
  onAssignmentStart(assignor: unknown): SensorState {
    const on = this.on;
    const list = on.onAssignmentStart;
    let first: SensorState;
    let at = -1;
    let states: SensorState[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      let r: SensorState;
      try {
        r = s.onAssignmentStart!(assignor);
      } catch (thrown) {
        this.reportFailure(s, 'onAssignmentStart', thrown);
        continue;
      }
      if (r === undefined) continue;
      if (at < 0) {
        first = r;
        at = i;
      } else if (states !== undefined) states[i] = r;
      else if (r !== first) states = twoStates(list.length, at, first, i, r);
    }
    if (states === undefined && typeof first === 'number') return first;
    return settleStates(this, list, first, at, states, true);
  }

  /** Forwards `onAssignmentCompleted` to the members that implement it, in order, each with the state it returned. */
  onAssignmentCompleted(assignor: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onAssignmentCompleted', state, [assignor]);
    const list = this.on.onAssignmentCompleted;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onAssignmentCompleted!(assignor, state);
      } catch (thrown) {
        this.reportFailure(s, 'onAssignmentCompleted', thrown);
      }
    }
  }

  /** Forwards `onAssignmentError` to the members that implement it, in order, each with the state it returned. */
  onAssignmentError(assignor: unknown, error: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onAssignmentError', state, [assignor, error]);
    const list = this.on.onAssignmentError;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onAssignmentError!(assignor, error, state);
      } catch (thrown) {
        this.reportFailure(s, 'onAssignmentError', thrown);
      }
    }
  }

  /** Forwards `onRebalanceStart` to the members that implement it, in order, and returns their states (packed when they differ). */
  onRebalanceStart(app: unknown): SensorState {
    const on = this.on;
    const list = on.onRebalanceStart;
    let first: SensorState;
    let at = -1;
    let states: SensorState[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      let r: SensorState;
      try {
        r = s.onRebalanceStart!(app);
      } catch (thrown) {
        this.reportFailure(s, 'onRebalanceStart', thrown);
        continue;
      }
      if (r === undefined) continue;
      if (at < 0) {
        first = r;
        at = i;
      } else if (states !== undefined) states[i] = r;
      else if (r !== first) states = twoStates(list.length, at, first, i, r);
    }
    if (states === undefined && typeof first === 'number') return first;
    return settleStates(this, list, first, at, states, true);
  }

  /** Forwards `onRebalanceReturn` to the members that implement it, in order, each with the state it returned. */
  onRebalanceReturn(app: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onRebalanceReturn', state, [app]);
    const list = this.on.onRebalanceReturn;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onRebalanceReturn!(app, state);
      } catch (thrown) {
        this.reportFailure(s, 'onRebalanceReturn', thrown);
      }
    }
  }

  /** Forwards `onRebalanceEnd` to the members that implement it, in order, each with the state it returned. */
  onRebalanceEnd(app: unknown, state: SensorState): void {
    if (this.packed(state)) return this.closeEach('onRebalanceEnd', state, [app]);
    const list = this.on.onRebalanceEnd;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onRebalanceEnd!(app, state);
      } catch (thrown) {
        this.reportFailure(s, 'onRebalanceEnd', thrown);
      }
    }
  }

  /** Forwards `onTopicBufferFull` to the members that implement it, in order. */
  onTopicBufferFull(tp: string): void {
    const list = this.on.onTopicBufferFull;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      try {
        s.onTopicBufferFull!(tp);
      } catch (thrown) {
        this.reportFailure(s, 'onTopicBufferFull', thrown);
      }
    }
  }
  // </generated>
}
