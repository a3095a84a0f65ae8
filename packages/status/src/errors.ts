import { OptionsError } from '@sightline/core';

/** A status page option was wrong: the message names it, where it came from and the expected form. */
export class StatusConfigError extends OptionsError {}
