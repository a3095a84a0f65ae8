import { type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { LoggingSensor } from '../logging-sensor.js';
import { LOGGING_PLUGIN_SHAPE, resolveSensorOptions, type LoggingPluginOptions } from '../options.js';

/** The `logging()` plugin for `setup()`: a LoggingSensor. */
export interface LoggingPlugin extends Plugin {
  /** The LoggingSensor, fed by the service's stream events. */
  readonly sensor: LoggingSensor;
}

/** A LoggingSensor as a plugin. */
function loggingPlugin(options: LoggingPluginOptions = {}): LoggingPlugin {
  const { name } = resolveSensorOptions(LOGGING_PLUGIN_SHAPE, options, 'logging()');
  const { name: _name, ...sensorOptions } = options;
  return { name, sensor: new LoggingSensor(sensorOptions) };
}

/** A plugin for `setup()` that logs the service's stream events through core's logger. */
export const logging = withOptionsShape(loggingPlugin, LOGGING_PLUGIN_SHAPE);
