// The Sensor contract: callbacks a message-processing loop fires, all optional: messages, stream
// events, tables, commits, sends, partition assignments, rebalances and full topic buffers.
//
// Written once: `SensorEvents` gives each event's signature, `SENSOR_EVENTS` its arguments and its
// part in timing; the table must name every event (a missing or extra one is a compile error) and
// everything else (`Sensor`, `CompleteSensor`, `SENSOR_EVENT_NAMES`, the fan-out) derives from them.
//
// State: an opening callback (`...Initiated`, `...Start`, `onStreamEventIn`) returns a
// state that the caller hands back to the callbacks that close it (`...Completed`, `...Error`,
// `onRebalanceReturn/End`, `onStreamEventOut`). Sightline's own sensors return a start time from
// `performance.now()`; any other value (a dict, an object) is handed back unchanged.
//
// This file imports nothing: scripts/generate-sensor-fan-out.mjs runs it alone to read the table.

/**
 * What an opening callback returns and its closing callbacks receive: whatever the sensor chose
 * (Sightline's sensors use a start time in milliseconds from `performance.now()`).
 */
export type SensorState = unknown;

/** Every event callback of the contract, each required: the one list of signatures. */
export interface SensorEvents {
  /** A message was received from topic-partition `tp` (e.g. `orders/3`) at `offset`. */
  onMessageIn(tp: string, offset: number, message: unknown): void;
  /** A message was acknowledged / produced on `tp` at `offset`. */
  onMessageOut(tp: string, offset: number, message: unknown): void;
  /** A stream started processing an event; may return a state (e.g. a start time). */
  onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState;
  /** A stream finished processing an event; `state` is what `onStreamEventIn` returned. */
  onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void;
  /** A table was read at `key`. */
  onTableGet(table: unknown, key: unknown): void;
  /** A table was written at `key`. */
  onTableSet(table: unknown, key: unknown, value: unknown): void;
  /** A table's `key` was deleted. */
  onTableDel(table: unknown, key: unknown): void;
  /** A table was asked whether it holds `key`. */
  onTableContains(table: unknown, key: unknown): void;
  /** A consumer commit started; may return a state. */
  onCommitInitiated(consumer: unknown): SensorState;
  /** A consumer commit finished; `state` is what `onCommitInitiated` returned. */
  onCommitCompleted(consumer: unknown, state: SensorState): void;
  /** A producer send started; may return a state. */
  onSendInitiated(producer: unknown, topic: string, message: unknown): SensorState;
  /** A producer send finished; `state` is what `onSendInitiated` returned. */
  onSendCompleted(producer: unknown, state: SensorState): void;
  /** A producer send failed; `state` is what `onSendInitiated` returned. */
  onSendError(producer: unknown, error: unknown, state: SensorState): void;
  /** A partition assignment started; may return a state. */
  onAssignmentStart(assignor: unknown): SensorState;
  /** A partition assignment finished; `state` is what `onAssignmentStart` returned. */
  onAssignmentCompleted(assignor: unknown, state: SensorState): void;
  /** A partition assignment failed; `state` is what `onAssignmentStart` returned. */
  onAssignmentError(assignor: unknown, error: unknown, state: SensorState): void;
  /** A consumer rebalance started; may return a state. */
  onRebalanceStart(app: unknown): SensorState;
  /** The rebalance callback returned (the app may resume); `state` is what `onRebalanceStart` returned. */
  onRebalanceReturn(app: unknown, state: SensorState): void;
  /** The rebalance is fully over (tables recovered, streams running). */
  onRebalanceEnd(app: unknown, state: SensorState): void;
  /** The buffer of topic-partition `tp` was full, so the consumer paused it. */
  onTopicBufferFull(tp: string): void;
}

/** The event callbacks of a Sensor, by name (everything but `asDict`), 20 in all. */
export type SensorEventName = keyof SensorEvents;

/** A sensor: any of the events, all optional, and its figures. */
export interface Sensor extends Partial<SensorEvents> {
  /** The sensor's figures as plain JSON-able data. */
  asDict?(): Record<string, unknown>;
}

/**
 * A sensor implementing every event and `asDict`. Declare a sensor class `implements CompleteSensor`
 * (base classes, fan-outs, adapters) so that an event added to the contract is a compile error there.
 */
export interface CompleteSensor extends SensorEvents {
  /** The sensor's figures as plain JSON-able data. */
  asDict(): Record<string, unknown>;
}

/**
 * An event's part in timing. `opens`: it may return a state; when no member of a fan-out returned
 * one, the fan-out reads the clock `always`, or only `whenRead` (some member reads the start time
 * without taking one itself). `closes`: its last argument is the state of the event named.
 */
export type SensorEventTiming = { readonly opens: 'always' | 'whenRead' } | { readonly closes: SensorEventName };

/** One row of the table: the argument names, in order (as many as the signature has), and its timing. */
export interface SensorEventSpec<K extends SensorEventName> {
  /** The event's argument names, in order. */
  readonly args: readonly string[] & { readonly length: Parameters<SensorEvents[K]>['length'] };
  /** The event's part in timing, if it opens or closes one. */
  readonly timing?: SensorEventTiming;
}

/** The contract as data, in a fixed order: every event, its arguments, and its part in timing. */
export const SENSOR_EVENTS = Object.freeze({
  onMessageIn: { args: ['tp', 'offset', 'message'] },
  onMessageOut: { args: ['tp', 'offset', 'message'] },
  onStreamEventIn: { args: ['tp', 'offset', 'stream', 'event'], timing: { opens: 'whenRead' } },
  onStreamEventOut: { args: ['tp', 'offset', 'stream', 'event', 'state'], timing: { closes: 'onStreamEventIn' } },
  onTableGet: { args: ['table', 'key'] },
  onTableSet: { args: ['table', 'key', 'value'] },
  onTableDel: { args: ['table', 'key'] },
  onTableContains: { args: ['table', 'key'] },
  onCommitInitiated: { args: ['consumer'], timing: { opens: 'always' } },
  onCommitCompleted: { args: ['consumer', 'state'], timing: { closes: 'onCommitInitiated' } },
  onSendInitiated: { args: ['producer', 'topic', 'message'], timing: { opens: 'always' } },
  onSendCompleted: { args: ['producer', 'state'], timing: { closes: 'onSendInitiated' } },
  onSendError: { args: ['producer', 'error', 'state'], timing: { closes: 'onSendInitiated' } },
  onAssignmentStart: { args: ['assignor'], timing: { opens: 'always' } },
  onAssignmentCompleted: { args: ['assignor', 'state'], timing: { closes: 'onAssignmentStart' } },
  onAssignmentError: { args: ['assignor', 'error', 'state'], timing: { closes: 'onAssignmentStart' } },
  onRebalanceStart: { args: ['app'], timing: { opens: 'always' } },
  onRebalanceReturn: { args: ['app', 'state'], timing: { closes: 'onRebalanceStart' } },
  onRebalanceEnd: { args: ['app', 'state'], timing: { closes: 'onRebalanceStart' } },
  onTopicBufferFull: { args: ['tp'] },
} as const satisfies { readonly [K in SensorEventName]: SensorEventSpec<K> });

/** The 20 event names, in the table's order. */
export const SENSOR_EVENT_NAMES: readonly SensorEventName[] = Object.freeze(Object.keys(SENSOR_EVENTS) as SensorEventName[]);
