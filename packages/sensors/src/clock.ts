// Where sensors read the time: injectable, so tests drive rates and latencies exactly.

/** A source of milliseconds. Monitors use a monotonic one (`performance`); tests pass a fake. */
export interface Clock {
  /** The time now, in milliseconds. */
  now(): number;
}

/** The default monotonic clock, the same time base as core's `SensorState`. */
export const monotonicClock: Clock = performance;

/** The default wall clock, for timestamps a human reads. */
export const wallClock: Clock = Date;
