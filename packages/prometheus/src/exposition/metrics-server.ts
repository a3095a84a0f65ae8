// The optional tiny server: one path, the metrics handler; everything else is 404.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SightlineConfigError, type MetricsSource } from '@sightline/core';
import { listen, validateOptions } from '@sightline/core/internal';
import { METRICS_SERVER_SHAPE } from '../options-shapes.js';
import { metricsHandler } from './metrics-handler.js';

/** Options of `new MetricsServer()` and `startMetricsServer()`. */
export interface MetricsServerOptions {
  /** Default 0: the OS picks a free port; read it from `listen()`'s result. */
  readonly port?: number;
  /** Default `127.0.0.1`. Expose beyond loopback deliberately. */
  readonly host?: string;
  /** Default `/metrics`. */
  readonly path?: string;
}

/** A small HTTP server serving one metrics source at one path; for when no health server is used. */
export class MetricsServer {
  /** The underlying node:http server. */
  readonly server: Server;
  readonly #options: Required<MetricsServerOptions>;

  constructor(source: MetricsSource, options: MetricsServerOptions = {}) {
    validateOptions(METRICS_SERVER_SHAPE, options, { source: 'new MetricsServer()' });
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new SightlineConfigError(`MetricsServer port must be an integer in 0..65535, got ${String(options.port)}`);
    }
    const path = options.path ?? '/metrics';
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new SightlineConfigError(`MetricsServer path must start with "/", got ${JSON.stringify(options.path)}`);
    }
    this.#options = { port, host: options.host ?? '127.0.0.1', path };
    const handle = metricsHandler(source);
    this.server = createServer((req, res) => {
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

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return listen(this.server, this.#options.port, this.#options.host);
  }

  /** The scrape URL once listening. */
  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new SightlineConfigError('MetricsServer is not listening; call listen() first');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}${this.#options.path}`;
  }

  /** Stops accepting connections and closes idle keep-alive ones. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.server.listening) return resolve();
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeIdleConnections();
    });
  }
}

/** Starts a MetricsServer and resolves once it listens. */
export async function startMetricsServer(source: MetricsSource, options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const server = new MetricsServer(source, options);
  await server.listen();
  return server;
}
