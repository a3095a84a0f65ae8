// The plugin @sightline/setup composes: hooks recording OpenTelemetry metrics, configure() on
// start with the service setup knows, shutdown() on stop.
import type { Plugin, PluginContext } from '@sightline/core';
import type { OpenTelemetryOptions } from './config/options.js';
import { otelHooks } from './metrics/otel-hooks.js';
import { OpenTelemetry } from './open-telemetry.js';

/** `options` win over the service, version and environment setup passes in. */
export function otel(options: OpenTelemetryOptions = {}): Plugin {
  return Object.freeze({
    name: 'otel',
    hooks: otelHooks(),
    start(context: PluginContext) {
      const fromSetup: { service: string; version?: string; environment?: string } = { service: context.service };
      if (context.version !== undefined) fromSetup.version = context.version;
      if (context.environment !== undefined) fromSetup.environment = context.environment;
      OpenTelemetry.configure({ ...fromSetup, ...withoutUndefined(options) });
    },
    stop: () => OpenTelemetry.shutdown(),
  });
}

function withoutUndefined(options: OpenTelemetryOptions): OpenTelemetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as OpenTelemetryOptions;
}
