import { OptionsError } from '@sightline/core';

/** An option given to `createStatsServer()` or the CLI was wrong: the message names it and the expected form. */
export class StatsServerConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_STATS_SERVER_CONFIG';
}
