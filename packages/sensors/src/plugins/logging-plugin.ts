import { withOptionsShape, type Plugin } from '@sightline/core';
import { LoggingSensor, type LoggingSensorOptions } from '../logging-sensor.js';
import { checkSensorOptions, LOGGING_PLUGIN_SHAPE } from '../options-shapes.js';

export interface LoggingPlugin extends Plugin {
  readonly sensor: LoggingSensor;
}

export interface LoggingPluginOptions extends LoggingSensorOptions {
  /** Plugin name. Default `logging`. */
  readonly name?: string;
}

/** A LoggingSensor as a plugin. */
function loggingPlugin(options: LoggingPluginOptions = {}): LoggingPlugin {
  const { name, ...sensorOptions } = checkSensorOptions(LOGGING_PLUGIN_SHAPE, options, 'logging()') ?? {};
  return { name: name ?? 'logging', sensor: new LoggingSensor(sensorOptions) };
}

export const logging = withOptionsShape(loggingPlugin, LOGGING_PLUGIN_SHAPE);
