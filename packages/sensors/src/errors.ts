import { OptionsError, SightlineError } from '@sightline/core';

/** A sensor or monitor option was wrong: the message names the option, the value and the expected form. */
export class SensorConfigError extends OptionsError {}

/** A value handed to a recording method (a counter delta, a gauge, a histogram sample) was not usable. */
export class InvalidMetricValueError extends SightlineError {}

const describe = (value: unknown): string =>
  typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value) ?? String(value);

/** Validates an integer option once, at construction. */
export function positiveInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SensorConfigError(`Invalid ${option} ${describe(value)}: expected an integer >= 1`);
  }
  return value;
}

/** Validates a finite number option at or above `min`. */
export function finiteNumber(option: string, value: unknown, min: number, exclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (exclusive && value === min)) {
    throw new SensorConfigError(
      `Invalid ${option} ${describe(value)}: expected a finite number ${exclusive ? '>' : '>='} ${min}`,
    );
  }
  return value;
}

export function clockOption(option: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || typeof (value as { now?: unknown }).now !== 'function') {
    throw new SensorConfigError(`Invalid ${option}: expected an object with a now() method returning milliseconds`);
  }
}

export function describeValue(value: unknown): string {
  return describe(value);
}
