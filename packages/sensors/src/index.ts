export { BaseSensor } from './base-sensor.js';
export { Monitor } from './monitor.js';
export type { TopicPartitionStats } from './topic-partition-stats.js';
export { CustomSensor } from './custom-sensor.js';
export type {
  CustomSensorKind,
  CustomSensorMetrics,
  DroppedRecordings,
  HistogramSummary,
  MetricValue,
  RecordedMetric,
} from './custom-sensor.js';
export { SensorDelegate } from './sensor-delegate.js';
export { LoggingSensor } from './logging-sensor.js';
export type { SensorLogEntry } from './logging-sensor.js';
export { HealthMonitor, HEALTH_CONDITIONS } from './health-monitor.js';
export type { HealthAlert, HealthCondition, HealthReport, MemoryUsageReport } from './health-monitor.js';
export type { MemorySample } from './process-memory.js';
export { instrumentHandler } from './instrument-handler.js';
export { InstrumentedTable } from './instrumented-table.js';
export { monitor } from './plugins/monitor-plugin.js';
export type { MonitorPlugin } from './plugins/monitor-plugin.js';
export { healthMonitor } from './plugins/health-monitor-plugin.js';
export type { HealthMonitorPlugin } from './plugins/health-monitor-plugin.js';
export { logging } from './plugins/logging-plugin.js';
export type { LoggingPlugin } from './plugins/logging-plugin.js';
export type {
  CustomSensorOptions,
  HealthMonitorOptions,
  HealthMonitorPluginOptions,
  InstrumentHandlerOptions,
  LoggingPluginOptions,
  LoggingSensorOptions,
  MonitorOptions,
  MonitorPluginOptions,
} from './options.js';
export { monotonicClock, wallClock } from './clock.js';
export type { Clock } from './clock.js';
export { InvalidMetricValueError, SensorConfigError } from './errors.js';
