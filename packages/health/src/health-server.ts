// The optional server: a node:http server around the handler, with signal handling and the
// graceful shutdown sequence Kubernetes expects (readiness 503, delay, shutdown handlers, close, exit).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants as osConstants } from 'node:os';
import { errorText, getLogger, type HealthCheck, listen } from '@sightline/core';
import { resolveServerConfig, type HealthServerOptions, type ShutdownSignal } from './config.js';
import { handlerFromConfig, type HealthHandler } from './health-handler.js';

const log = getLogger('sightline.health.server');

export type ShutdownHandler = () => void | Promise<void>;

export interface HealthServer {
  /** The underlying node:http server. */
  readonly server: Server;
  readonly handler: HealthHandler;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  readonly host: string;
  /** `http://host:port`. */
  readonly url: string;
  readonly shuttingDown: boolean;
  /** The app has started: see `HealthHandler.markReady`. */
  markReady(): void;
  markNotReady(): void;
  addCheck(check: HealthCheck): void;
  removeCheck(name: string): boolean;
  /** Runs during shutdown, after the delay, concurrently with the others, under `shutdownTimeoutMs`. */
  onShutdown(handler: ShutdownHandler): void;
  /**
   * The graceful sequence without exiting: readiness 503, wait `shutdownDelayMs`, run the shutdown
   * handlers, close the server (in-flight requests complete, idle keep-alive connections close).
   * Resolves true when it finished within `shutdownTimeoutMs`, false when it had to force connections
   * closed. Calling it again returns the same promise.
   */
  shutdown(): Promise<boolean>;
  /** Closes now (no delay, no handlers): readiness 503, in-flight requests complete; removes signal listeners. */
  close(): Promise<void>;
}

function exitCodeFor(signal: ShutdownSignal): number {
  const n = (osConstants.signals as Record<string, number | undefined>)[signal];
  return n === undefined ? 1 : 128 + n;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a health server and resolves once it listens. Options are validated first (bad ones reject
 * with `HealthConfigError`); `SIGHTLINE_HEALTH_*` variables (`SIGHTLINE_HEALTH_PORT`,
 * `SIGHTLINE_HEALTH_HOST`...) fill in the options not given in code.
 */
export async function createHealthServer(options: HealthServerOptions = {}): Promise<HealthServer> {
  const config = resolveServerConfig(options);
  const handler = handlerFromConfig(config);
  const shutdownHandlers: ShutdownHandler[] = [];

  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      // Check for timed-out requests often enough to honour short timeouts.
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(config.requestTimeoutMs / 2))),
      keepAliveTimeout: 5000,
    },
    handler,
  );
  // Malformed and timed-out requests get node's own answers (400, 408, 431): no clientError listener.

  await listen(server, config.port, config.host);
  server.on('error', (error) => log.error('health server error', { error: error.message }));

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  log.info('health server listening', { url });

  let closing: Promise<void> | undefined;
  function closeServer(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // In-flight requests finish; connections with nothing in flight go now.
      server.closeIdleConnections();
    });
    return closing;
  }

  let shutdownPromise: Promise<boolean> | undefined;
  async function runShutdown(): Promise<boolean> {
    handler.beginShutdown();
    if (config.shutdownDelayMs > 0) {
      log.info('waiting before closing so load balancers see readiness 503', { shutdownDelayMs: config.shutdownDelayMs });
      await sleep(config.shutdownDelayMs);
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, config.shutdownTimeoutMs, false);
    });
    const graceful = (async () => {
      const results = await Promise.allSettled(shutdownHandlers.map(async (h) => h()));
      for (const r of results) {
        if (r.status === 'rejected') log.error('a shutdown handler failed', { error: errorText(r.reason) });
      }
      await closeServer();
      return true as const;
    })();
    const finished = await Promise.race([graceful, deadline]);
    clearTimeout(timer);
    if (!finished) {
      log.warn('graceful shutdown did not finish in time; closing every connection', { shutdownTimeoutMs: config.shutdownTimeoutMs });
      server.closeAllConnections();
      await closeServer();
    }
    removeSignalListeners();
    log.info('health server closed');
    return finished;
  }
  function shutdown(): Promise<boolean> {
    shutdownPromise ??= runShutdown();
    return shutdownPromise;
  }

  const listeners = new Map<ShutdownSignal, () => void>();
  let signalled = false;
  for (const signal of config.signals) {
    const listener = () => {
      if (signalled) {
        log.warn('second signal: exiting at once', { signal });
        if (config.exitProcess) process.exit(exitCodeFor(signal));
        server.closeAllConnections();
        return;
      }
      signalled = true;
      log.info('signal received: starting graceful shutdown', { signal });
      void shutdown().then((finished) => {
        if (config.exitProcess) process.exit(finished ? 0 : 1);
      });
    };
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  function removeSignalListeners(): void {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    listeners.clear();
  }

  return {
    server,
    handler,
    port: address.port,
    host: config.host,
    url,
    get shuttingDown() {
      return handler.shuttingDown;
    },
    markReady: () => handler.markReady(),
    markNotReady: () => handler.markNotReady(),
    addCheck: (check) => handler.addCheck(check),
    removeCheck: (name) => handler.removeCheck(name),
    onShutdown(fn) {
      if (typeof fn !== 'function') throw new TypeError(`onShutdown needs a function, got ${typeof fn}`);
      shutdownHandlers.push(fn);
    },
    shutdown,
    async close() {
      handler.beginShutdown();
      await closeServer();
      removeSignalListeners();
    },
  };
}
