import { OptionsError } from '@sightline/core';

/** A health server option or environment variable was wrong: the message names it and the expected form. */
export class HealthConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_HEALTH_CONFIG';
}
