import { type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { LoggingSensor, type LoggingSensorOptions } from '../logging-sensor.js';
import { checkSensorOptions, LOGGING_PLUGIN_SHAPE } from '../options-shapes.js';

/** The `logging()` plugin for `setup()`: a LoggingSensor. */
export interface LoggingPlugin extends Plugin {
  /** The LoggingSensor, fed by the service's stream events. */
  readonly sensor: LoggingSensor;
}

/** Options of the `logging()` plugin: a LoggingSensor's options plus the plugin's name. */
export interface LoggingPluginOptions extends LoggingSensorOptions {
  /** Plugin name. Default `logging`. */
  readonly name?: string;
}

/** A LoggingSensor as a plugin. */
function loggingPlugin(options: LoggingPluginOptions = {}): LoggingPlugin {
  const { name, ...sensorOptions } = checkSensorOptions(LOGGING_PLUGIN_SHAPE, options, 'logging()') ?? {};
  return { name: name ?? 'logging', sensor: new LoggingSensor(sensorOptions) };
}

/** A plugin for `setup()` that logs the service's stream events through core's logger. */
export const logging = withOptionsShape(loggingPlugin, LOGGING_PLUGIN_SHAPE);
