// @sightline/core's public surface: the contracts between Sightline's packages and what a user calls
// (hooks, sensors, plugins, the logger). Helpers shared by Sightline's own packages are in
// `@sightline/core/internal`, which is not covered by semver.
export { SightlineError, SightlineConfigError } from './errors.js';
export { OptionsError } from './options/options-error.js';
export type { OptionsErrorDetails } from './options/options-error.js';

export { defineHooks, InvalidHooksError } from './hooks/metrics-hooks.js';
export type { MetricsHooks } from './hooks/metrics-hooks.js';
export { combineHooks } from './hooks/combine-hooks.js';
export { toDispatcher } from './hooks/dispatcher.js';
export type { HookDispatcher } from './hooks/dispatcher.js';
export { timed } from './hooks/timed.js';
export type { ChannelMessages } from './hooks/channels.js';

export type { Sensor, SensorEvents, SensorState } from './contracts/sensor.js';
export type { ChunkWriter, ExpositionFormat, MetricsExposition, MetricsSource, RenderChunksControl } from './contracts/metrics-source.js';
export type { MetricSnapshot } from './contracts/metric-snapshot.js';
export type { HealthCheck, HealthResult } from './contracts/health-check.js';
export type { Plugin, PluginContext, ServiceInfo } from './contracts/plugin.js';
export type { HttpRoute, ReadinessOutcome, ReadinessReport, RouteHost } from './contracts/http-route.js';
export type { FinishedSpan, SpanSink } from './contracts/span-sink.js';
export type { Lifecycle, LifecyclePhase } from './contracts/lifecycle.js';

export { configureLogging, getLogger, setLogLevel, setLogSink } from './logging/logger.js';
export type { Logger, LoggingOptions } from './logging/logger.js';
export { InvalidLogLevelError } from './logging/levels.js';
export type { LogLevel } from './logging/levels.js';
export type { LogFields, LogRecord, LogSink } from './logging/log-record.js';
