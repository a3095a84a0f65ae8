export { OpenTelemetry } from './open-telemetry.js';
export type { OpenTelemetryStats } from './open-telemetry.js';
export type { DroppedCounts } from './export/drop-counter.js';
export type { OpenTelemetryOptions, OtlpProtocol, PropagatorName, SuccessStatus } from './config/options.js';

export { ObservabilityScope } from './context/observability-scope.js';
export type { ObservabilityScopeOptions } from './context/observability-scope.js';
export { scope } from './context/scope.js';
export type { ScopeFunction, ScopeKind, ScopeOptions } from './context/scope.js';
export type { ScopeAttributes } from './context/attributes.js';
export { logDebug, logError, logInfo, logWarning, recordAttributes, recordEvent, recordMetric } from './context/recording.js';
export type { MetricOptions } from './context/recording.js';
export type { MetricKind } from './metrics/instruments.js';
export type { ObservabilityLevel } from './levels.js';

export {
  extractTraceparent,
  formatTraceparent,
  injectTraceparent,
  parseTraceId,
  parseTraceparent,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
} from './context/trace-context.js';
export type { HeaderCarrier, TraceHeaders } from './context/trace-context.js';

export { setHttpRoute } from './http/http-server.js';
export { DEFAULT_REDACTED_QUERY_PARAMS } from './http/url-redaction.js';
export { messagingAttributes } from './context/messaging.js';
export type { MessagingAttributesOptions, MessagingOperationType } from './context/messaging.js';
export { otelHooks } from './metrics/otel-hooks.js';
export type { OtelHooksOptions } from './metrics/otel-hooks.js';
export { otel } from './plugin.js';

export { SpanSinkProcessor } from './exporters/span-sink-processor.js';

export {
  AlreadyConfiguredError,
  GrpcEndpointError,
  InvalidTraceContextError,
  InvalidTraceIdError,
  InvalidTraceparentError,
  MissingExporterError,
  MissingPropagatorError,
  OtelConfigError,
} from './errors.js';
