// The optional server: a node:http server around the handler, with signal handling and the
// graceful close Kubernetes expects (readiness 503, delay, shutdown handlers, close, exit).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { getLogger, type HealthCheck } from '@sightline/core';
import { errorText, handleShutdownSignals, listen, markToolkitServer, settleWithin, signalExitCode } from '@sightline/core/internal';
import { ConnectionTracker } from './connection-tracker.js';
import { callableHandler, HealthRequestHandler, type HealthHandler } from './health-handler.js';
import { resolveServerConfig, type HealthConfig, type HealthServerOptions } from './options.js';

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
  /**
   * `close()` did not finish within `shutdownTimeoutMs` and cut the connections left (a signal-started
   * shutdown then exits with 1). False until then.
   */
  readonly forcedClose: boolean;
  /** Connections closed as they arrived because `maxConnections` were open. */
  readonly connectionsRefused: number;
  /** The app has started: see `HealthHandler.markReady`. */
  markReady(): void;
  /** Readiness 503 until `markReady()` again: see `HealthHandler.markNotReady`. */
  markNotReady(): void;
  /** Adds a readiness check; throws `HealthConfigError` when one with the same name is registered. */
  addCheck(check: HealthCheck): void;
  /** Removes a readiness check by name; false when there was none. */
  removeCheck(name: string): boolean;
  /** Runs during `close()`, after the delay, concurrently with the others, under `shutdownTimeoutMs`. */
  onShutdown(handler: ShutdownHandler): void;
  /**
   * What a signal does, without exiting: readiness 503 at once, wait `shutdownDelayMs`, run the
   * shutdown handlers, close the server (in-flight requests complete, idle keep-alive connections
   * close); past `shutdownTimeoutMs` the connections left are cut (`forcedClose`). Removes the
   * signal listeners. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A listening server; the health plugin also tells it when setup's lifecycle begins stopping. */
export class RunningHealthServer implements HealthServer {
  readonly server: Server;
  readonly handler: HealthHandler;
  readonly port: number;
  readonly host: string;
  readonly url: string;
  readonly #core: HealthRequestHandler;
  readonly #config: HealthConfig;
  readonly #connections: ConnectionTracker;
  readonly #shutdownHandlers: ShutdownHandler[] = [];
  #serverClosed: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #forcedClose = false;
  #removeSignalListeners: () => void = () => undefined;

  constructor(server: Server, core: HealthRequestHandler, connections: ConnectionTracker) {
    this.server = server;
    this.#core = core;
    this.#config = core.config;
    this.#connections = connections;
    this.handler = callableHandler(core);
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.port = address.port;
    this.host = this.#config.host;
    this.url = `http://${urlHost}:${address.port}`;
    if (this.#config.signals.length > 0) this.#installSignalHandlers();
  }

  get shuttingDown(): boolean {
    return this.#core.state.shuttingDown;
  }

  get forcedClose(): boolean {
    return this.#forcedClose;
  }

  get connectionsRefused(): number {
    return this.#connections.refused;
  }

  markReady(): void {
    this.#core.state.markReady();
  }

  markNotReady(): void {
    this.#core.state.markNotReady();
  }

  addCheck(check: HealthCheck): void {
    this.#core.state.addCheck(check);
  }

  removeCheck(name: string): boolean {
    return this.#core.state.checks.remove(name);
  }

  onShutdown(handler: ShutdownHandler): void {
    if (typeof handler !== 'function') throw new TypeError(`onShutdown needs a function, got ${typeof handler}`);
    this.#shutdownHandlers.push(handler);
  }

  /** Readiness 503 from now on, before `close()` (setup's lifecycle tells it first). */
  beginShutdown(): void {
    this.#core.beginShutdown();
  }

  close(): Promise<void> {
    this.#closing ??= this.#runClose();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #runClose(): Promise<void> {
    this.#core.beginShutdown();
    const { shutdownDelayMs, shutdownTimeoutMs } = this.#config;
    if (shutdownDelayMs > 0) {
      log.info('waiting before closing so load balancers see readiness 503', { shutdownDelayMs });
      await sleep(shutdownDelayMs);
    }
    const graceful = await settleWithin(async () => {
      await this.#runShutdownHandlers();
      await this.#closeServer();
    }, shutdownTimeoutMs);
    if (graceful.timedOut) {
      log.warn('graceful shutdown did not finish in time; closing every connection', { shutdownTimeoutMs });
      this.#forcedClose = true;
      this.server.closeAllConnections();
      await this.#closeServer();
    }
    this.#removeSignalListeners();
    log.info('health server closed');
  }

  async #runShutdownHandlers(): Promise<void> {
    const results = await Promise.allSettled(this.#shutdownHandlers.map(async (h) => h()));
    for (const r of results) {
      if (r.status === 'rejected') log.error('a shutdown handler failed', { error: errorText(r.reason) });
    }
  }

  /** Stops accepting connections; in-flight requests finish, connections with nothing in flight go now. */
  #closeServer(): Promise<void> {
    if (!this.#serverClosed) {
      // Routes' long-lived streams (the status page's events) end first, or close would wait on them.
      this.#core.detachRoutes();
      this.#serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      this.#connections.dropIdle();
    }
    return this.#serverClosed;
  }

  #installSignalHandlers(): void {
    const { signals, exitProcess } = this.#config;
    this.#removeSignalListeners = handleShutdownSignals({
      signals,
      logger: log,
      onSignal: () => {
        void this.close().then(() => {
          if (exitProcess) process.exit(this.#forcedClose ? 1 : 0);
        });
      },
      onForce: (signal) => {
        if (exitProcess) process.exit(signalExitCode(signal));
        this.server.closeAllConnections();
      },
    });
  }
}

/** A node:http server for the handler, its timeouts from `requestTimeoutMs`, listening. */
export async function startHealthServer(config: HealthConfig): Promise<RunningHealthServer> {
  const core = new HealthRequestHandler(config);
  const connections = new ConnectionTracker();
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      // Check for timed-out requests often enough to honour short timeouts.
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(config.requestTimeoutMs / 2))),
      keepAliveTimeout: 5000,
    },
    (req, res) => {
      core.handle(req, res);
      // Most answers are written before the handler returns; the others are in flight until closed.
      connections.track(req, res);
    },
  );
  // The toolkit's own server: the HTTP instrumentation leaves its requests out of the app's.
  markToolkitServer(server);
  connections.watch(server, config.maxConnections);
  // Malformed and timed-out requests get node's own answers (400, 408, 431): no clientError listener.
  await listen(server, config.port, config.host);
  server.on('error', (error) => log.error('health server error', { error: error.message }));
  const running = new RunningHealthServer(server, core, connections);
  log.info('health server listening', { url: running.url });
  return running;
}

/**
 * Starts a health server and resolves once it listens. Options are validated first (bad ones reject
 * with `HealthConfigError`); `SIGHTLINE_HEALTH_*` variables (`SIGHTLINE_HEALTH_PORT`,
 * `SIGHTLINE_HEALTH_HOST`...) fill in the options not given in code.
 */
export async function createHealthServer(options: HealthServerOptions = {}): Promise<HealthServer> {
  const config = resolveServerConfig(options);
  return await startHealthServer(config);
}
