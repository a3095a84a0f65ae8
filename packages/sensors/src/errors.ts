// The errors this package throws: each with a stable code.
import { OptionsError, SightlineError } from '@sightline/core';

/** A sensor or monitor option was wrong: the message names the option, the value and the expected form. */
export class SensorConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_SENSOR_CONFIG';
}

/** A value handed to a recording method (a counter delta, a gauge, a histogram sample) was not usable. */
export class InvalidMetricValueError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_METRIC_VALUE';
}
