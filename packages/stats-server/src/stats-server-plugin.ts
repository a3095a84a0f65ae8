// The core Plugin for @sightline/setup: the server's metrics in the app's /metrics, started and closed with the app.
import { type MetricsSource, type Plugin } from '@sightline/core';
import { withOptionsShape } from '@sightline/core/internal';
import { STATS_SERVER_SHAPE, type StatsServerOptions } from './options.js';
import { newStatsServer, type StatsServer } from './stats-server.js';

/** The `statsServer()` plugin for `setup()`: its server starts and closes with the app. */
export interface StatsServerPlugin extends Plugin {
  /** Always `stats-server`. */
  readonly name: 'stats-server';
  /** The server's exposition, served by the prometheus or health plugin. */
  readonly metrics: MetricsSource;
  /** The server, e.g. to read `address()` once started. */
  readonly server: StatsServer;
}

/** A plugin around a new server built from `options`, or around a server you created. */
function statsServerPlugin(optionsOrServer: StatsServerOptions | StatsServer): StatsServerPlugin {
  const server = isServer(optionsOrServer) ? optionsOrServer : newStatsServer(optionsOrServer, { source: 'statsServer()' });
  return {
    name: 'stats-server',
    metrics: server.metrics,
    server,
    start: () => server.start(),
    close: () => server.close(),
  };
}

function isServer(value: StatsServerOptions | StatsServer): value is StatsServer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StatsServer).start === 'function' &&
    typeof (value as StatsServer).snapshot === 'function'
  );
}

/**
 * A plugin for `setup()` around a new stats server built from `options` (or one you created): starts and
 * closes with the app, and adds what it received to the service's metrics.
 */
export const statsServer = withOptionsShape(statsServerPlugin, STATS_SERVER_SHAPE);
