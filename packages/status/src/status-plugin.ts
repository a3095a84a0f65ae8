// status() for setup(): brings the /status route (the health server serves it, behind the /metrics
// token) and a span sink (the otel plugin feeds it), and charts every plugin's metrics.
import { type HttpRoute, type Plugin, type PluginContext, type SpanSink } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { STATUS_SHAPE, type StatusOptions } from './options.js';
import type { StatusEngine } from './status-engine.js';
import { buildStatusPage, type StatusPage } from './status-page.js';

/** Options of `status()`: the same as `createStatusPage()`'s. */
export type StatusPluginOptions = StatusOptions;

/** The status page as a `setup()` plugin. */
export interface StatusPlugin extends Plugin {
  /** Always `status`. */
  readonly name: 'status';
  /** The page's route, for the health server to serve (behind the /metrics token unless `auth: 'none'`). */
  readonly routes: readonly HttpRoute[];
  /** Receives finished spans from the otel plugin, for the recent traces. */
  readonly spanSink: SpanSink;
  /** The page itself: its path, `stats()`, `sample()`. */
  readonly page: StatusPage;
  /** Charts every plugin's metrics from `context.metricsSources` and starts sampling. */
  start(context: PluginContext): Promise<void>;
  /** Stops sampling and ends every stream. */
  close(): Promise<void>;
}

function statusPlugin(options: StatusPluginOptions = {}): StatusPlugin {
  const { page, engine }: { page: StatusPage; engine: StatusEngine } = buildStatusPage(options, 'status()');
  return Object.freeze({
    name: 'status' as const,
    routes: Object.freeze([page.route]),
    spanSink: page.spanSink,
    page,
    start(context: PluginContext) {
      engine.setSources(context.metricsSources);
      return page.start();
    },
    close: () => page.close(),
  });
}

/** `status(options)`: the plugin for `setup()`; its options shape lets `setupFromEnv()` read SIGHTLINE_STATUS_*. */
export const status = withOptionsShape(statusPlugin, STATUS_SHAPE);
