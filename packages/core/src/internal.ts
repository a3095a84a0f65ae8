// @sightline/core/internal: what Sightline's own packages share and users need not call. It is not
// covered by semver: any release of core may change it, and every Sightline package depends on a
// core range (`~`) that moves with it. Users import `@sightline/core`.
export { ERROR_CODE_PATTERN } from './errors.js';
export { closestName, editDistance } from './options/did-you-mean.js';
export { defaultOptionsError } from './options/options-error.js';
export type { OptionsErrorFactory, OptionsProblemKind } from './options/options-error.js';
export { defineShape, opt } from './options/field.js';
export type { AnyFunction, Field, FieldKind, OptionsOf, ResolvedOf, ScalarValue, Shape, Typed } from './options/field.js';
export { expectedText, isPlainObject, validateField, validateOptions } from './options/schema.js';
export type { ValidateContext } from './options/schema.js';
export { defaultsOf, optionsResolver, resolveOptions } from './options/resolve.js';
export { optionsTable } from './options/options-table.js';
export type { OptionsResolver, ResolveContext } from './options/resolve.js';
export {
  camelFromScreaming,
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

export { HOOK_NAMES } from './hooks/metrics-hooks.js';
export type { HookName } from './hooks/metrics-hooks.js';
export { errorType } from './hooks/error-type.js';
export { CHANNEL_NAMES, channels } from './hooks/channels.js';
export type { ChannelName } from './hooks/channels.js';

export { SENSOR_EVENT_NAMES, SENSOR_EVENTS } from './contracts/sensor.js';
export type { CompleteSensor, SensorEventName, SensorEventSpec, SensorEventTiming } from './contracts/sensor.js';
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
export { acceptsGzip, encodeExposition, MIN_GZIP_BYTES } from './contracts/exposition-encoding.js';
export { negotiateFormat } from './contracts/format-negotiation.js';
export { serveExposition } from './contracts/serve-exposition.js';
export type { ServeExpositionOptions, ServeOutcome } from './contracts/serve-exposition.js';
export type { EncodedExposition } from './contracts/exposition-encoding.js';
export type { FinishedSpanStatus } from './contracts/span-sink.js';

export { aliasLoggerName, LOG_ENV_VAR, resetLogging } from './logging/logger.js';
export { parseLogLevel } from './logging/levels.js';
export { formatLogLine, stderrSink } from './logging/stderr-sink.js';
export { MAX_LOG_VALUE_LENGTH, sanitizeLogText } from './logging/sanitize.js';

export { isPromiseLike } from './util/is-promise-like.js';
export { runSettled } from './util/run-settled.js';
export { settleWithin } from './util/settle-within.js';
export type { Settled } from './util/settle-within.js';
export { errorText } from './util/error-text.js';
export { backoffDelay } from './util/backoff-delay.js';
export type { BackoffOptions } from './util/backoff-delay.js';
export { listen } from './util/listen.js';
export { handleShutdownSignals, signalExitCode } from './util/shutdown-signals.js';
export type { ShutdownSignalsOptions } from './util/shutdown-signals.js';
export { WarningThrottle } from './util/warning-throttle.js';
export type { WarningThrottleOptions } from './util/warning-throttle.js';

export {
  HTTP_ATTRIBUTES,
  HTTP_KNOWN_METHODS,
  HTTP_BODY_SIZE_BUCKETS,
  HTTP_DURATION_BUCKETS,
  HTTP_INSTRUMENTS,
  HTTP_PROMETHEUS_NAMES,
  httpMethodOf,
  OTHER_ROUTE,
  requestBodySizeOf,
  responseBodySizeOf,
  statusClassOf,
} from './contracts/http-conventions.js';
export { normalizePath } from './contracts/normalize-path.js';
export {
  isToolkitRequest,
  isToolkitServer,
  isToolkitTraffic,
  markToolkitRequest,
  markToolkitServer,
  runAsToolkit,
} from './contracts/toolkit-traffic.js';
export { BoundedRoutes, routeTemplateOf, setRequestRoute, watchFrameworkRoutes } from './contracts/request-route.js';
export { claimHttpServerMetrics, httpServerMetricsRecordedElsewhere, httpServerMetricsRecorders } from './contracts/http-server-metrics.js';
