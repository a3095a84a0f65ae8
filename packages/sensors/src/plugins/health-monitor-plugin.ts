import { type HealthCheck, type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { HealthMonitor, type HealthMonitorOptions } from '../health-monitor.js';
import { checkSensorOptions, HEALTH_MONITOR_PLUGIN_SHAPE } from '../options-shapes.js';

/** The `healthMonitor()` plugin for `setup()`: a HealthMonitor sensor and its health check. */
export interface HealthMonitorPlugin extends Plugin {
  /** The HealthMonitor, fed by the service's stream events. */
  readonly sensor: HealthMonitor;
  /** One check (`options.name`, default `sensors`) answering from the monitor's verdict. */
  readonly healthChecks: readonly HealthCheck[];
}

/** Options of the `healthMonitor()` plugin: a HealthMonitor's options plus the plugin's name. */
export interface HealthMonitorPluginOptions extends HealthMonitorOptions {
  /** Plugin name. Default `health-monitor`. (`name` names the HealthCheck.) */
  readonly pluginName?: string;
}

/** A HealthMonitor as a plugin: its HealthCheck joins the health server's readiness; checks run from `start()`. */
function healthMonitorPlugin(options: HealthMonitorPluginOptions = {}): HealthMonitorPlugin {
  const { pluginName, ...monitorOptions } = checkSensorOptions(HEALTH_MONITOR_PLUGIN_SHAPE, options, 'healthMonitor()') ?? {};
  const sensor = new HealthMonitor(monitorOptions);
  return {
    name: pluginName ?? 'health-monitor',
    sensor,
    healthChecks: [sensor.healthCheck],
    start: () => sensor.start(),
    close: () => sensor.stop(),
  };
}

/**
 * A plugin for `setup()` that watches consumer lag, send error rate, memory and stalls with a HealthMonitor,
 * and adds its verdict to /health/ready.
 */
export const healthMonitor = withOptionsShape(healthMonitorPlugin, HEALTH_MONITOR_PLUGIN_SHAPE);
