// The base of every error Sightline throws on purpose. Each class carries a stable `code`
// (`SIGHTLINE_ERR_...`): `instanceof` fails across a CommonJS and an ES module copy of a package, or
// two installed versions, and a code never does.

/** The shape every error code has: `SIGHTLINE_ERR_` then upper-case words joined by `_`. */
export const ERROR_CODE_PATTERN = /^SIGHTLINE_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

/**
 * Base class for every error Sightline throws on purpose. `code` is the class's stable code
 * (`err.code === 'SIGHTLINE_ERR_STATS_CONFIG'`), which each subclass declares as a static `code`.
 */
export class SightlineError extends Error {
  /** The code of errors of this class; each subclass declares its own. */
  static readonly code: string = 'SIGHTLINE_ERR_GENERIC';
  /** A stable code naming the kind of failure, e.g. `SIGHTLINE_ERR_STATS_CONFIG`: compare it rather than `instanceof`. */
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = new.target.code;
  }
}

/** A configuration value was wrong: the message names the value and the expected form. */
export class SightlineConfigError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_CONFIG';
}
