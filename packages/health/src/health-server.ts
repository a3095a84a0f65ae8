// The optional server: a node:http server around the handler, with signal handling and the
// graceful shutdown sequence Kubernetes expects (readiness 503, delay, shutdown handlers, close, exit).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getLogger, type HealthCheck } from '@sightline/core';
import { errorText, handleShutdownSignals, listen, signalExitCode } from '@sightline/core/internal';
import { resolveServerConfig, type HealthServerOptions } from './config.js';
import { handlerFromConfig, type HealthHandler } from './health-handler.js';

const log = getLogger('sightline.health.server');

/** Work to finish during a graceful shutdown, e.g. draining a queue. */
export type ShutdownHandler = () => void | Promise<void>;

/**
 * A running health server made by `createHealthServer()`: the handler on its own port, with graceful shutdown
 * on signals.
 */
export interface HealthServer {
  /** The underlying node:http server. */
  readonly server: Server;
  /** The handler the server serves. */
  readonly handler: HealthHandler;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** The bound interface, e.g. `127.0.0.1`. */
  readonly host: string;
  /** `http://host:port`. */
  readonly url: string;
  /** A shutdown has begun: readiness answers 503. */
  readonly shuttingDown: boolean;
  /** The app has started: see `HealthHandler.markReady`. */
  markReady(): void;
  /** Readiness 503 until `markReady()` again: see `HealthHandler.markNotReady`. */
  markNotReady(): void;
  /** Adds a readiness check; throws `HealthConfigError` when one with the same name is registered. */
  addCheck(check: HealthCheck): void;
  /** Removes a readiness check by name; false when there was none. */
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
    (req, res) => {
      handler(req, res);
      // Most answers are written before the handler returns; the others are in flight until closed.
      if (!res.writableEnded) {
        const socket = req.socket;
        inflight.add(socket);
        res.once('close', () => inflight.delete(socket));
      }
    },
  );
  // Every connection, so shutdown can close those with nothing in flight (idle, or a request whose
  // headers never finished) at once instead of waiting for their timeouts.
  const sockets = new Set<Socket>();
  const inflight = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Malformed and timed-out requests get node's own answers (400, 408, 431): no clientError listener.

  await listen(server, config.port, config.host);
  server.on('error', (error) => log.error('health server error', { error: error.message }));

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  log.info('health server listening', { url });

  let closing: Promise<void> | undefined;
  function closeServer(): Promise<void> {
    // Routes' long-lived streams (the status page's events) end first, or close would wait on them.
    if (!closing) handler.detachRoutes();
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // In-flight requests finish; connections with nothing in flight go now, half-open ones too.
      server.closeIdleConnections();
      for (const socket of sockets) if (!inflight.has(socket)) socket.destroy();
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

  let removeSignalListeners = (): void => undefined;
  if (config.signals.length > 0) {
    removeSignalListeners = handleShutdownSignals({
      signals: config.signals,
      logger: log,
      onSignal() {
        void shutdown().then((finished) => {
          if (config.exitProcess) process.exit(finished ? 0 : 1);
        });
      },
      onForce(signal) {
        if (config.exitProcess) process.exit(signalExitCode(signal));
        server.closeAllConnections();
      },
    });
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
