// The Sensor base class: every callback of core's Sensor contract, plus the stream-processing events
// Faust's sensors also receive (table contains, assignment, rebalance, topic buffer full), as no-ops.
import type { Sensor as SensorContract, SensorState } from '@sightline/core';

/**
 * Core's `Sensor` contract plus the events a stream processor reports beyond it. Every method is
 * optional; a `SensorDelegate` forwards each one to the sensors that implement it.
 */
export interface StreamSensor extends SensorContract {
  /** A table was asked whether it holds `key`. */
  onTableContains?(table: unknown, key: unknown): void;
  /** A partition assignment started; returns the start time (`performance.now()` ms). */
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
}

/** Event names a `StreamSensor` may implement, in a fixed order. */
export type StreamSensorEventName = Exclude<keyof StreamSensor, 'asDict'>;

/**
 * A sensor with a no-op for every event: extend it and override only what you need.
 *
 * The initiating callbacks of commits and sends return the current `performance.now()`, so the
 * matching completed/error callback always receives a start time; `onStreamEventIn` returns nothing
 * (reading the clock for every event costs more than a whole event through a delegate), so a sensor
 * that times events overrides it and returns `performance.now()` itself.
 */
export class Sensor implements StreamSensor {
  onMessageIn(_tp: string, _offset: number, _message: unknown): void {}
  onMessageOut(_tp: string, _offset: number, _message: unknown): void {}
  onStreamEventIn(_tp: string, _offset: number, _stream: unknown, _event: unknown): SensorState | void {}
  onStreamEventOut(_tp: string, _offset: number, _stream: unknown, _event: unknown, _state?: SensorState): void {}
  onTableGet(_table: unknown, _key: unknown): void {}
  onTableSet(_table: unknown, _key: unknown, _value: unknown): void {}
  onTableDel(_table: unknown, _key: unknown): void {}
  onTableContains(_table: unknown, _key: unknown): void {}
  onCommitInitiated(_consumer: unknown): SensorState | void {
    return performance.now();
  }
  onCommitCompleted(_consumer: unknown, _state: SensorState): void {}
  onSendInitiated(_producer: unknown, _topic: string, _message: unknown): SensorState | void {
    return performance.now();
  }
  onSendCompleted(_producer: unknown, _state: SensorState): void {}
  onSendError(_producer: unknown, _error: unknown, _state: SensorState): void {}
  onAssignmentStart(_assignor: unknown): SensorState | void {
    return performance.now();
  }
  onAssignmentCompleted(_assignor: unknown, _state: SensorState): void {}
  onAssignmentError(_assignor: unknown, _error: unknown, _state: SensorState): void {}
  onRebalanceStart(_app: unknown): SensorState | void {
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
