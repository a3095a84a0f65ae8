import { withOptionsShape, type HealthCheck, type Plugin } from '@sightline/core';
import { HealthMonitor, type HealthMonitorOptions } from '../health-monitor.js';
import { checkSensorOptions, HEALTH_MONITOR_PLUGIN_SHAPE } from '../options-shapes.js';

export interface HealthMonitorPlugin extends Plugin {
  readonly sensor: HealthMonitor;
  readonly healthChecks: readonly HealthCheck[];
}

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
    stop: () => sensor.stop(),
  };
}

export const healthMonitor = withOptionsShape(healthMonitorPlugin, HEALTH_MONITOR_PLUGIN_SHAPE);
