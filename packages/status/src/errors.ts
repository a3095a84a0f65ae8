import { SightlineConfigError } from '@sightline/core';

/** A status page option was wrong: the message names it and the expected form. */
export class StatusConfigError extends SightlineConfigError {}
