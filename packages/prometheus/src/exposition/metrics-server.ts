// The optional tiny server: one path, the metrics handler; everything else is 404.
import { createServer, type Server } from 'node:http';
import type { MetricsSource } from '@sightline/core';
import { listen, markToolkitServer, resolveOptions } from '@sightline/core/internal';
import { METRICS_SERVER_SHAPE, type MetricsServerOptions } from '../options.js';
import { metricsHandler } from './metrics-handler.js';

/** A running metrics server made by `createMetricsServer()`: one source at one path. */
export interface MetricsServer {
  /** The underlying node:http server. */
  readonly server: Server;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** The bound interface, e.g. `127.0.0.1`. */
  readonly host: string;
  /** The scrape URL: `http://host:port/metrics`. */
  readonly url: string;
  /**
   * Stops accepting connections, lets the scrapes in flight finish and closes idle keep-alive
   * connections. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves `handle` at `path` only. */
function routeOnly(path: string, handle: ReturnType<typeof metricsHandler>): Server {
  return createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not Found\n');
      return;
    }
    void handle(req, res);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/**
 * Starts a small HTTP server serving one metrics source at one path, for when no health server is
 * used, and resolves once it listens. Options are checked first (an unknown or bad one rejects with
 * an `OptionsError`); a port in use rejects with the bind error.
 */
export async function createMetricsServer(source: MetricsSource, options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const { port, host, path } = resolveOptions(METRICS_SERVER_SHAPE, options, { source: 'createMetricsServer()' });
  const server = routeOnly(path, metricsHandler(source));
  markToolkitServer(server);
  const address = await listen(server, port, host);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= closeServer(server));
  return {
    server,
    port: address.port,
    host: address.address,
    url: `http://${shownHost}:${address.port}${path}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
