// The Sensor base class: every callback of core's Sensor contract as a no-op. It implements core's
// CompleteSensor, so an event added to the contract is a compile error here until it has a no-op.
import { SENSOR_EVENT_NAMES, type CompleteSensor, type Sensor as SensorContract, type SensorEventName, type SensorState } from '@sightline/core';

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
  onMessageIn(_tp: string, _offset: number, _message: unknown): void {}
  onMessageOut(_tp: string, _offset: number, _message: unknown): void {}
  onStreamEventIn(_tp: string, _offset: number, _stream: unknown, _event: unknown): SensorState {
    return undefined;
  }
  onStreamEventOut(_tp: string, _offset: number, _stream: unknown, _event: unknown, _state?: SensorState): void {}
  onTableGet(_table: unknown, _key: unknown): void {}
  onTableSet(_table: unknown, _key: unknown, _value: unknown): void {}
  onTableDel(_table: unknown, _key: unknown): void {}
  onTableContains(_table: unknown, _key: unknown): void {}
  onCommitInitiated(_consumer: unknown): SensorState {
    return performance.now();
  }
  onCommitCompleted(_consumer: unknown, _state: SensorState): void {}
  onSendInitiated(_producer: unknown, _topic: string, _message: unknown): SensorState {
    return performance.now();
  }
  onSendCompleted(_producer: unknown, _state: SensorState): void {}
  onSendError(_producer: unknown, _error: unknown, _state: SensorState): void {}
  onAssignmentStart(_assignor: unknown): SensorState {
    return performance.now();
  }
  onAssignmentCompleted(_assignor: unknown, _state: SensorState): void {}
  onAssignmentError(_assignor: unknown, _error: unknown, _state: SensorState): void {}
  onRebalanceStart(_app: unknown): SensorState {
    return performance.now();
  }
  onRebalanceReturn(_app: unknown, _state: SensorState): void {}
  onRebalanceEnd(_app: unknown, _state: SensorState): void {}
  onTopicBufferFull(_tp: string): void {}

  /** The sensor's figures as plain JSON-able data; the base sensor has none. */
  asDict(): Record<string, unknown> {
    return {};
  }
}
