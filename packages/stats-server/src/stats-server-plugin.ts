// The core Plugin for @sightline/setup: the server's metrics in the app's /metrics, started and stopped with the app.
import type { MetricsSource, Plugin } from '@sightline/core';
import type { StatsServerOptions } from './options.js';
import { createStatsServer, type StatsServer } from './stats-server.js';

export interface StatsServerPlugin extends Plugin {
  readonly name: 'stats-server';
  readonly metrics: MetricsSource;
  /** The server, e.g. to read `address()` once started. */
  readonly server: StatsServer;
}

/** A plugin around a new server built from `options`, or around a server you created. */
export function statsServer(optionsOrServer: StatsServerOptions | StatsServer): StatsServerPlugin {
  const server = isServer(optionsOrServer) ? optionsOrServer : createStatsServer(optionsOrServer);
  return {
    name: 'stats-server',
    metrics: server.metrics,
    server,
    async start() {
      await server.listen();
    },
    stop: () => server.close(),
  };
}

function isServer(value: StatsServerOptions | StatsServer): value is StatsServer {
  return typeof (value as StatsServer).listen === 'function' && typeof (value as StatsServer).snapshot === 'function';
}
