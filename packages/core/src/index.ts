export { SightlineError, SightlineConfigError } from './errors.js';

export { closestName, editDistance } from './options/did-you-mean.js';
export { OptionsError } from './options/options-error.js';
export type { OptionsErrorDetails, OptionsErrorFactory, OptionsProblemKind } from './options/options-error.js';
export { expectedText, opt, validateField, validateOptions } from './options/schema.js';
export type { Field, FieldKind, ScalarValue, Shape, ValidateContext } from './options/schema.js';
export {
  camelFromScreaming,
  ENV_PACKAGE_KEYS,
  ENV_PREFIX,
  envVarName,
  envVariables,
  mergeOptions,
  readEnvOptions,
  screamingSnake,
} from './options/env-options.js';
export type { Env, EnvOptions, ReadEnvOptions } from './options/env-options.js';
export { optionsShapeOf, withOptionsShape } from './options/options-shape-of.js';
export { describeValue } from './options/describe-value.js';

export { defineHooks, HOOK_NAMES, InvalidHooksError } from './hooks/metrics-hooks.js';
export type { MetricsHooks, HookName } from './hooks/metrics-hooks.js';
export { combineHooks } from './hooks/combine-hooks.js';
export { toDispatcher } from './hooks/dispatcher.js';
export type { HookDispatcher } from './hooks/dispatcher.js';
export { timed } from './hooks/timed.js';
export { errorType } from './hooks/error-type.js';
export { CHANNEL_NAMES, channels } from './hooks/channels.js';
export type { ChannelMessages, ChannelName } from './hooks/channels.js';

export { SENSOR_EVENT_NAMES, SENSOR_EVENTS } from './contracts/sensor.js';
export type {
  CompleteSensor,
  Sensor,
  SensorEventName,
  SensorEvents,
  SensorEventSpec,
  SensorEventTiming,
  SensorState,
} from './contracts/sensor.js';
export { SensorFanOut } from './contracts/sensor-fan-out.js';
export type { SensorFailureHandler, SensorFanOutMethod, SensorFanOutOptions } from './contracts/sensor-fan-out.js';
export {
  combineMetricsSources,
  contentTypeOf,
  formatOfContentType,
  MixedExpositionError,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderMetrics,
} from './contracts/metrics-source.js';
export type { ExpositionFormat, MetricsExposition, MetricsSource } from './contracts/metrics-source.js';
export { acceptsGzip, encodeExposition, MIN_GZIP_BYTES } from './contracts/exposition-encoding.js';
export type { EncodedExposition } from './contracts/exposition-encoding.js';
export type { HealthCheck, HealthResult } from './contracts/health-check.js';
export type { Plugin, PluginContext, ServiceInfo } from './contracts/plugin.js';
export type { HttpRoute, ReadinessOutcome, ReadinessReport, RouteHost } from './contracts/http-route.js';
export type { FinishedSpan, FinishedSpanStatus, SpanSink } from './contracts/span-sink.js';
export type { Lifecycle, LifecyclePhase } from './contracts/lifecycle.js';

export { configureLogging, getLogger, LOG_ENV_VAR, resetLogging, setLogLevel, setLogSink } from './logging/logger.js';
export type { Logger, LoggingOptions } from './logging/logger.js';
export { InvalidLogLevelError, parseLogLevel } from './logging/levels.js';
export type { LogLevel } from './logging/levels.js';
export type { LogFields, LogRecord, LogSink } from './logging/log-record.js';
export { formatLogLine, stderrSink } from './logging/stderr-sink.js';
export { MAX_LOG_VALUE_LENGTH, sanitizeLogText } from './logging/sanitize.js';

export { isPromiseLike } from './util/is-promise-like.js';
export { runSettled } from './util/run-settled.js';
export { errorText } from './util/error-text.js';
export { backoffDelay } from './util/backoff-delay.js';
export type { BackoffOptions } from './util/backoff-delay.js';
export { listen } from './util/listen.js';
export { handleShutdownSignals, signalExitCode } from './util/shutdown-signals.js';
export type { ShutdownSignalsOptions } from './util/shutdown-signals.js';
export { WarningThrottle } from './util/warning-throttle.js';
export type { WarningThrottleOptions } from './util/warning-throttle.js';
