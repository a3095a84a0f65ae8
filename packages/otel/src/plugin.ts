// The plugin @sightline/setup composes: hooks recording OpenTelemetry metrics, configure() on
// start with the service setup knows, shutdown() on stop.
import { type Plugin, type PluginContext } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { OPENTELEMETRY_SHAPE, resolveOptions, type OpenTelemetryOptions } from './config/options.js';
import { otelHooks } from './metrics/otel-hooks.js';
import { SpanSinkProcessor } from './exporters/span-sink-processor.js';
import { configureWithProcessors, OpenTelemetry } from './open-telemetry.js';

// Stands in for the service setup passes at start, so the options can be checked now.
const SERVICE_FROM_SETUP = 'service-from-setup';

/**
 * `options` win over the service, version and environment setup passes in. They are validated
 * here, so a bad option (from code or from setup's SIGHTLINE_OTEL_* variables) fails at once.
 */
function otelPlugin(options: OpenTelemetryOptions = {}): Plugin {
  resolveOptions({ service: SERVICE_FROM_SETUP, ...withoutUndefined(options) }, process.env, 'otel()');
  return Object.freeze({
    name: 'otel',
    hooks: otelHooks(),
    start(context: PluginContext) {
      const fromSetup: { service: string; version?: string; environment?: string } = { service: context.service };
      if (context.version !== undefined) fromSetup.version = context.version;
      if (context.environment !== undefined) fromSetup.environment = context.environment;
      // Plugins that bring a span sink (the status page) get every finished span, next to the exporters.
      const sinks = context.spanSinks ?? [];
      configureWithProcessors({ ...fromSetup, ...withoutUndefined(options) }, sinks.length > 0 ? [new SpanSinkProcessor(...sinks)] : []);
    },
    close: () => OpenTelemetry.shutdown(),
  });
}

function withoutUndefined(options: OpenTelemetryOptions): OpenTelemetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as OpenTelemetryOptions;
}

/**
 * A plugin for `setup()` that configures OpenTelemetry (tracing, metrics, logs) on start with the service's
 * name, version and environment, and shuts it down on stop.
 */
export const otel = withOptionsShape(otelPlugin, OPENTELEMETRY_SHAPE);
