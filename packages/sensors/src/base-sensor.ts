// BaseSensor: every callback of core's Sensor contract as a no-op. It implements core's
// CompleteSensor, so an event added to the contract is a compile error here until it has a no-op.
import { type SensorState } from '@sightline/core';
import { type CompleteSensor } from '@sightline/core/internal';

/**
 * A sensor with a no-op for every event: extend it and override only what you need. A fan-out
 * (`SensorDelegate`) never calls a method inherited unchanged from here.
 *
 * The initiating callbacks of commits and sends return the current `performance.now()`, so the
 * matching completed/error callback always receives a start time; `onStreamEventIn` returns nothing
 * (reading the clock for every event costs more than a whole event through a delegate), so a sensor
 * that times events overrides it and returns `performance.now()` itself.
 */
export class BaseSensor implements CompleteSensor {
  /** A message was received on topic-partition `tp` (e.g. `orders/3`) at `offset`. */
  onMessageIn(_tp: string, _offset: number, _message: unknown): void {}
  /** A message was acknowledged or produced on `tp` at `offset`. */
  onMessageOut(_tp: string, _offset: number, _message: unknown): void {}
  /** A stream started processing an event; returns nothing here (a sensor that times events returns a start time). */
  onStreamEventIn(_tp: string, _offset: number, _stream: unknown, _event: unknown): SensorState {
    return undefined;
  }
  /** A stream finished processing an event; `state` is what `onStreamEventIn` returned. */
  onStreamEventOut(_tp: string, _offset: number, _stream: unknown, _event: unknown, _state?: SensorState): void {}
  /** A table was read at `key`. */
  onTableGet(_table: unknown, _key: unknown): void {}
  /** A table was written at `key`. */
  onTableSet(_table: unknown, _key: unknown, _value: unknown): void {}
  /** A table's `key` was deleted. */
  onTableDel(_table: unknown, _key: unknown): void {}
  /** A table was asked whether it holds `key`. */
  onTableContains(_table: unknown, _key: unknown): void {}
  /** A consumer commit started; returns its start time, `performance.now()`. */
  onCommitInitiated(_consumer: unknown): SensorState {
    return performance.now();
  }
  /** A consumer commit finished; `state` is what `onCommitInitiated` returned. */
  onCommitCompleted(_consumer: unknown, _state: SensorState): void {}
  /** A producer send started; returns its start time, `performance.now()`. */
  onSendInitiated(_producer: unknown, _topic: string, _message: unknown): SensorState {
    return performance.now();
  }
  /** A producer send finished; `state` is what `onSendInitiated` returned. */
  onSendCompleted(_producer: unknown, _state: SensorState): void {}
  /** A producer send failed; `state` is what `onSendInitiated` returned. */
  onSendError(_producer: unknown, _error: unknown, _state: SensorState): void {}
  /** A partition assignment started; returns its start time, `performance.now()`. */
  onAssignmentStart(_assignor: unknown): SensorState {
    return performance.now();
  }
  /** A partition assignment finished; `state` is what `onAssignmentStart` returned. */
  onAssignmentCompleted(_assignor: unknown, _state: SensorState): void {}
  /** A partition assignment failed; `state` is what `onAssignmentStart` returned. */
  onAssignmentError(_assignor: unknown, _error: unknown, _state: SensorState): void {}
  /** A consumer rebalance started; returns its start time, `performance.now()`. */
  onRebalanceStart(_app: unknown): SensorState {
    return performance.now();
  }
  /** The rebalance callback returned; `state` is what `onRebalanceStart` returned. */
  onRebalanceReturn(_app: unknown, _state: SensorState): void {}
  /** The rebalance is over; `state` is what `onRebalanceStart` returned. */
  onRebalanceEnd(_app: unknown, _state: SensorState): void {}
  /** The buffer of topic-partition `tp` was full, so the consumer paused it. */
  onTopicBufferFull(_tp: string): void {}

  /** The sensor's figures as plain JSON-able data; the base sensor has none. */
  asDict(): Record<string, unknown> {
    return {};
  }
}
