// The Sensor contract (seed 004, Faust): callbacks a message-processing loop fires, all optional:
// messages, stream events, tables, commits, sends, and Faust's assignment/rebalance/buffer events.
//
// Latency follows Faust: an `...Initiated` / `onStreamEventIn` callback returns a state that the
// caller hands back to the matching `...Completed` / `...Error` / `onStreamEventOut`. In Sightline
// that state is the start time in milliseconds from `performance.now()`, so a delegate of several
// sensors passes one number instead of allocating a state per sensor.

/** A start time from `performance.now()`, returned by initiating callbacks and passed back. */
export type SensorState = number;

export interface Sensor {
  /** A message was received from topic-partition `tp` (e.g. `orders/3`) at `offset`. */
  onMessageIn?(tp: string, offset: number, message: unknown): void;
  /** A message was acknowledged / produced on `tp` at `offset`. */
  onMessageOut?(tp: string, offset: number, message: unknown): void;
  /** A stream started processing an event; returns the start time. */
  onStreamEventIn?(tp: string, offset: number, stream: unknown, event: unknown): SensorState | void;
  /** A stream finished processing an event; `state` is what `onStreamEventIn` returned. */
  onStreamEventOut?(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void;
  onTableGet?(table: unknown, key: unknown): void;
  onTableSet?(table: unknown, key: unknown, value: unknown): void;
  onTableDel?(table: unknown, key: unknown): void;
  /** A consumer commit started; returns the start time. */
  onCommitInitiated?(consumer: unknown): SensorState | void;
  onCommitCompleted?(consumer: unknown, state: SensorState): void;
  /** A producer send started; returns the start time. */
  onSendInitiated?(producer: unknown, topic: string, message: unknown): SensorState | void;
  onSendCompleted?(producer: unknown, state: SensorState): void;
  onSendError?(producer: unknown, error: unknown, state: SensorState): void;
  /** A table was asked whether it holds `key`. */
  onTableContains?(table: unknown, key: unknown): void;
  /** A partition assignment started; returns the start time. */
  onAssignmentStart?(assignor: unknown): SensorState | void;
  onAssignmentCompleted?(assignor: unknown, state: SensorState): void;
  onAssignmentError?(assignor: unknown, error: unknown, state: SensorState): void;
  /** A consumer rebalance started; returns the start time. */
  onRebalanceStart?(app: unknown): SensorState | void;
  /** The rebalance callback returned (the app may resume); `state` is what `onRebalanceStart` returned. */
  onRebalanceReturn?(app: unknown, state: SensorState): void;
  /** The rebalance is fully over (tables recovered, streams running). */
  onRebalanceEnd?(app: unknown, state: SensorState): void;
  /** The buffer of topic-partition `tp` was full, so the consumer paused it. */
  onTopicBufferFull?(tp: string): void;
  /** The sensor's figures as plain JSON-able data. */
  asDict?(): Record<string, unknown>;
}

/** The event callbacks of a Sensor, by name (everything but `asDict`), 20 in all. */
export type SensorEventName = Exclude<keyof Sensor, 'asDict'>;

export const SENSOR_EVENT_NAMES: readonly SensorEventName[] = Object.freeze([
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
