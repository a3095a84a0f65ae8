import { OptionsError } from '@sightline/core';

/** A status page option was wrong: the message names it, where it came from and the expected form. */
export class StatusConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_STATUS_CONFIG';
}
