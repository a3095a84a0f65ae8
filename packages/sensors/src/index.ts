export { Sensor } from './sensor.js';
export { Monitor } from './monitor.js';
export type { MonitorOptions } from './monitor.js';
export type { TopicPartitionStats } from './topic-partition-stats.js';
export { CustomSensor } from './custom-sensor.js';
export type {
  CustomSensorKind,
  CustomSensorMetrics,
  CustomSensorOptions,
  DroppedRecordings,
  HistogramSummary,
  MetricValue,
  RecordedMetric,
} from './custom-sensor.js';
export { SensorDelegate } from './sensor-delegate.js';
export { LoggingSensor } from './logging-sensor.js';
export type { LoggingSensorOptions, SensorLogEntry } from './logging-sensor.js';
export { HealthMonitor, HEALTH_CONDITIONS } from './health-monitor.js';
export type {
  HealthAlert,
  HealthCondition,
  HealthMonitorOptions,
  HealthReport,
  MemorySample,
  MemoryUsageReport,
} from './health-monitor.js';
export { instrumentHandler } from './instrument-handler.js';
export type { InstrumentHandlerOptions } from './instrument-handler.js';
export { InstrumentedTable } from './instrumented-table.js';
export { monitor } from './plugins/monitor-plugin.js';
export type { MonitorPlugin, MonitorPluginOptions } from './plugins/monitor-plugin.js';
export { healthMonitor } from './plugins/health-monitor-plugin.js';
export type { HealthMonitorPlugin, HealthMonitorPluginOptions } from './plugins/health-monitor-plugin.js';
export { logging } from './plugins/logging-plugin.js';
export type { LoggingPlugin, LoggingPluginOptions } from './plugins/logging-plugin.js';
export { monotonicClock, wallClock } from './clock.js';
export type { Clock } from './clock.js';
export { InvalidMetricValueError, SensorConfigError } from './errors.js';
