import type { Plugin } from '@sightline/core';
import { LoggingSensor, type LoggingSensorOptions } from '../logging-sensor.js';

export interface LoggingPlugin extends Plugin {
  readonly sensor: LoggingSensor;
}

export interface LoggingPluginOptions extends LoggingSensorOptions {
  /** Plugin name. Default `logging`. */
  readonly name?: string;
}

/** A LoggingSensor as a plugin. */
export function logging(options: LoggingPluginOptions = {}): LoggingPlugin {
  return { name: options.name ?? 'logging', sensor: new LoggingSensor(options) };
}
