// The Sensor base class: every callback of core's Sensor contract as a no-op. It implements core's
// CompleteSensor, so an event added to the contract is a compile error here until it has a no-op.
import { type Sensor as SensorContract, type SensorState } from '@sightline/core';
import { SENSOR_EVENT_NAMES, type CompleteSensor, type SensorEventName } from '@sightline/core/internal';

/**
 * Core's `Sensor` contract, which holds every event a stream processor reports (table contains,
 * assignment, rebalance, topic buffer full included). Kept under this name for compatibility.
 */
export type StreamSensor = SensorContract;

/** Event names a `StreamSensor` may implement (core's `SensorEventName`). */
export type StreamSensorEventName = SensorEventName;

/** The 20 event names, in a fixed order (core's `SENSOR_EVENT_NAMES`). */
export const STREAM_SENSOR_EVENT_NAMES: readonly StreamSensorEventName[] = SENSOR_EVENT_NAMES;

/**
 * A sensor with a no-op for every event: extend it and override only what you need.
 *
 * The initiating callbacks of commits and sends return the current `performance.now()`, so the
 * matching completed/error callback always receives a start time; `onStreamEventIn` returns nothing
 * (reading the clock for every event costs more than a whole event through a delegate), so a sensor
 * that times events overrides it and returns `performance.now()` itself.
 */
export class Sensor implements CompleteSensor {
  /** A message was received on topic-partition `tp` at `offset`. No-op here; override it. */
  onMessageIn(_tp: string, _offset: number, _message: unknown): void {}
  /** A message was acknowledged or produced on `tp` at `offset`. No-op here; override it. */
  onMessageOut(_tp: string, _offset: number, _message: unknown): void {}
  /**
   * A stream started processing an event; returns a state (a start time) for `onStreamEventOut`. No-op
   * here; override it.
   */
  onStreamEventIn(_tp: string, _offset: number, _stream: unknown, _event: unknown): SensorState {
    return undefined;
  }
  /**
   * A stream finished processing an event; `state` is what `onStreamEventIn` returned. No-op here;
   * override it.
   */
  onStreamEventOut(_tp: string, _offset: number, _stream: unknown, _event: unknown, _state?: SensorState): void {}
  /** A table was read at `key`. No-op here; override it. */
  onTableGet(_table: unknown, _key: unknown): void {}
  /** A table was written at `key`. No-op here; override it. */
  onTableSet(_table: unknown, _key: unknown, _value: unknown): void {}
  /** A table's `key` was deleted. No-op here; override it. */
  onTableDel(_table: unknown, _key: unknown): void {}
  /** A table was asked whether it holds `key`. No-op here; override it. */
  onTableContains(_table: unknown, _key: unknown): void {}
  /**
   * A consumer commit started; returns a state (a start time) for `onCommitCompleted`. No-op here;
   * override it.
   */
  onCommitInitiated(_consumer: unknown): SensorState {
    return performance.now();
  }
  /** A consumer commit finished; `state` is what `onCommitInitiated` returned. No-op here; override it. */
  onCommitCompleted(_consumer: unknown, _state: SensorState): void {}
  /**
   * A producer send started; returns a state (a start time) for `onSendCompleted` or `onSendError`. No-
   * op here; override it.
   */
  onSendInitiated(_producer: unknown, _topic: string, _message: unknown): SensorState {
    return performance.now();
  }
  /** A producer send finished; `state` is what `onSendInitiated` returned. No-op here; override it. */
  onSendCompleted(_producer: unknown, _state: SensorState): void {}
  /** A producer send failed; `state` is what `onSendInitiated` returned. No-op here; override it. */
  onSendError(_producer: unknown, _error: unknown, _state: SensorState): void {}
  /** A partition assignment started; returns a state (a start time). No-op here; override it. */
  onAssignmentStart(_assignor: unknown): SensorState {
    return performance.now();
  }
  /**
   * A partition assignment finished; `state` is what `onAssignmentStart` returned. No-op here; override
   * it.
   */
  onAssignmentCompleted(_assignor: unknown, _state: SensorState): void {}
  /** A partition assignment failed; `state` is what `onAssignmentStart` returned. No-op here; override it. */
  onAssignmentError(_assignor: unknown, _error: unknown, _state: SensorState): void {}
  /** A consumer rebalance started; returns a state (a start time). No-op here; override it. */
  onRebalanceStart(_app: unknown): SensorState {
    return performance.now();
  }
  /**
   * The rebalance callback returned; `state` is what `onRebalanceStart` returned. No-op here; override
   * it.
   */
  onRebalanceReturn(_app: unknown, _state: SensorState): void {}
  /** The rebalance is over; `state` is what `onRebalanceStart` returned. No-op here; override it. */
  onRebalanceEnd(_app: unknown, _state: SensorState): void {}
  /** The buffer of topic-partition `tp` was full, so the consumer paused it. No-op here; override it. */
  onTopicBufferFull(_tp: string): void {}

  /** The sensor's figures as plain JSON-able data; the base sensor has none. */
  asDict(): Record<string, unknown> {
    return {};
  }
}
