export { Sensor } from './sensor.js';
export type { StreamSensor, StreamSensorEventName } from './sensor.js';
export { Monitor } from './monitor.js';
export type { MonitorOptions } from './monitor.js';
export type { TopicPartitionStats } from './topic-partition-stats.js';
export { SensorDelegate, STREAM_SENSOR_EVENT_NAMES } from './sensor-delegate.js';
export { HealthMonitor, HEALTH_CONDITIONS } from './health-monitor.js';
export type {
  HealthAlert,
  HealthCondition,
  HealthMonitorOptions,
  HealthReport,
  MemorySample,
  MemoryUsageReport,
} from './health-monitor.js';
export { monotonicClock, wallClock } from './clock.js';
export type { Clock } from './clock.js';
export { InvalidMetricValueError, SensorConfigError } from './errors.js';
