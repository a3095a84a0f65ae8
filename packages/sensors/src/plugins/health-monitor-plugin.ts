import { type HealthCheck, type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { HealthMonitor } from '../health-monitor.js';
import { HEALTH_MONITOR_PLUGIN_SHAPE, resolveSensorOptions, type HealthMonitorPluginOptions } from '../options.js';

/** The `healthMonitor()` plugin for `setup()`: a HealthMonitor sensor and its health check. */
export interface HealthMonitorPlugin extends Plugin {
  /** The HealthMonitor, fed by the service's stream events. */
  readonly sensor: HealthMonitor;
  /** One check (`options.name`, default `sensors`) answering from the monitor's verdict. */
  readonly healthChecks: readonly HealthCheck[];
}

/** A HealthMonitor as a plugin: its HealthCheck joins the health server's readiness; checks run from `start()`. */
function healthMonitorPlugin(options: HealthMonitorPluginOptions = {}): HealthMonitorPlugin {
  const { pluginName } = resolveSensorOptions(HEALTH_MONITOR_PLUGIN_SHAPE, options, 'healthMonitor()');
  const { pluginName: _pluginName, ...monitorOptions } = options;
  const sensor = new HealthMonitor(monitorOptions);
  return {
    name: pluginName,
    sensor,
    healthChecks: [sensor.healthCheck],
    start: () => sensor.start(),
    close: () => sensor.close(),
  };
}

/**
 * A plugin for `setup()` that watches consumer lag, send error rate, memory and stalls with a HealthMonitor,
 * and adds its verdict to /health/ready.
 */
export const healthMonitor = withOptionsShape(healthMonitorPlugin, HEALTH_MONITOR_PLUGIN_SHAPE);
