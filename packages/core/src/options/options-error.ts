// The one error class for bad options, wherever they came from (code, environment, a file).
import { SightlineConfigError } from '../errors.js';

/** The three problems an option can have: an unknown key, a bad value, a required one absent. */
export type OptionsProblemKind = 'unknown' | 'invalid' | 'missing';

/** The facts an `OptionsError` carries, as fields beside its message. */
export interface OptionsErrorDetails {
  /** Which of the three problems: an unknown key, a bad value, a required one absent. */
  readonly kind?: OptionsProblemKind;
  /** The option's path, `port` or `statsd.udpPort`, or the variable's name for an unknown variable. */
  readonly option?: string;
  /** Where the value came from: `health()`, `createStatsServer()`, `env SIGHTLINE_HEALTH_PORT`. */
  readonly source?: string;
  /** The bad value, unless the option is a secret. */
  readonly value?: unknown;
  /** The closest valid name, for an unknown one. */
  readonly suggestion?: string;
  /** The message after `in <source>: `, for a package that words its own prefix. */
  readonly problem?: string;
}

/**
 * A bad option: unknown key, wrong type, out of range. The message names the option, its source
 * and the value; the same facts are fields. Packages' own config errors extend it.
 */
export class OptionsError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_OPTIONS';

  /** The option's path, e.g. `statsd.udpPort`, or the unknown variable's name. */
  readonly option: string | undefined;
  /** Where the value came from, e.g. `health()` or `env SIGHTLINE_HEALTH_PORT`. */
  readonly source: string | undefined;
  /** The bad value, unless the option is a secret. */
  readonly value: unknown;
  /** The closest valid name, for an unknown one. */
  readonly suggestion: string | undefined;

  constructor(message: string, details: OptionsErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.option = details.option;
    this.source = details.source;
    this.value = details.value;
    this.suggestion = details.suggestion;
  }
}

/** Builds the error a package throws, so `instanceof HealthConfigError` keeps holding. */
export type OptionsErrorFactory = (message: string, details: OptionsErrorDetails) => Error;

/** The factory used when a package gives none: a plain `OptionsError`. */
export const defaultOptionsError: OptionsErrorFactory = (message, details) => new OptionsError(message, details);
