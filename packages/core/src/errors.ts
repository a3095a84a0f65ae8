/** Base class for every error Sightline throws on purpose, so callers can tell them apart. */
export class SightlineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value was wrong: the message names the value and the expected form. */
export class SightlineConfigError extends SightlineError {}
