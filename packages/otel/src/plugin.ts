// The plugin @sightline/setup composes: hooks recording OpenTelemetry metrics, configure() on
// start with the service setup knows, close() when setup stops.
import { type Plugin, type PluginContext } from '@sightline/core';
import { isPlainObject, mergeOptions, withOptionsShape } from '@sightline/core/internal';
import { OPENTELEMETRY_SHAPE, resolveSettings, type OpenTelemetryOptions } from './config/options.js';
import { OtelExposition } from './metrics/metrics-exposition.js';
import { otelHooks } from './metrics/otel-hooks.js';
import { HOOKS_SCOPE_NAME } from './state.js';
import { SpanSinkProcessor } from './exporters/span-sink-processor.js';
import { configureWithProcessors, OpenTelemetry } from './open-telemetry.js';

// Stands in for the service setup passes at start, so the options can be checked now.
const SERVICE_FROM_SETUP = 'service-from-setup';

/** What setup knows of the service, as options; those given to `otel()` win over it. */
function serviceOptions(context: PluginContext): OpenTelemetryOptions {
  return {
    service: context.service,
    ...(context.version !== undefined && { version: context.version }),
    ...(context.environment !== undefined && { environment: context.environment }),
  };
}

/** `options` over what setup passes; `{ key: undefined }` means "not given", so setup's value still applies. */
function withSetup(options: OpenTelemetryOptions, fromSetup: OpenTelemetryOptions): OpenTelemetryOptions {
  // Anything but an options object goes on as it is, to be refused by name.
  return isPlainObject(options) ? mergeOptions(options, fromSetup) : options;
}

/**
 * `options` win over the service, version and environment setup passes in. They are checked
 * here, so a bad option (from code or from setup's SIGHTLINE_OTEL_* variables) fails at once.
 */
function otelPlugin(options: OpenTelemetryOptions = {}): Plugin {
  const settings = resolveSettings(withSetup(options, { service: SERVICE_FROM_SETUP }), process.env, 'otel()');
  // What any OpenTelemetry meter records, on setup()'s /metrics and the status page. The hooks'
  // instruments stay out unless asked for: prometheus() records the same hooks under its own names.
  const exposition = settings.exposeMetrics
    ? new OtelExposition({ excludeScopes: settings.exposeHookMetrics ? [] : [HOOKS_SCOPE_NAME] })
    : undefined;
  return Object.freeze({
    name: 'otel',
    hooks: otelHooks(),
    ...(exposition ? { metrics: exposition.source } : {}),
    start(context: PluginContext) {
      // Plugins that bring a span sink (the status page) get every finished span, next to the exporters.
      const sinks = context.spanSinks ?? [];
      const extra = sinks.length > 0 ? [new SpanSinkProcessor(...sinks)] : [];
      configureWithProcessors(withSetup(options, serviceOptions(context)), extra, () => (exposition ? [exposition.newReader()] : []));
    },
    close: () => OpenTelemetry.close(),
  });
}

/**
 * A plugin for `setup()` that configures OpenTelemetry (tracing, metrics, logs) on start with the service's
 * name, version and environment, and closes it when setup stops.
 */
export const otel = withOptionsShape(otelPlugin, OPENTELEMETRY_SHAPE);
