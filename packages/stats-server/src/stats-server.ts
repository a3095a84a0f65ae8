// The receiving server: HTTP and WebSocket batch ingest on one port, optional StatsD UDP/TCP
// listeners, one store, and what it holds as a MetricsSource and a JSON snapshot.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { getLogger, type MetricsSource } from '@sightline/core';
import { listen, markToolkitServer } from '@sightline/core/internal';
import { WS_PATH } from '@sightline/stats-protocol';
import { MemoryBudget } from './aggregation/memory-budget.js';
import { MetricStore, type StoreSnapshot } from './aggregation/metric-store.js';
import { BatchIngest } from './batch/batch-ingest.js';
import { createMetricsSource, type ServerMetricsSource } from './exposition/metrics-source.js';
import { copyCounters, newIngestCounters, type IngestCounters } from './ingest-stats.js';
import {
  bucketBounds,
  resolveServerOptions,
  secretList,
  type OptionsSource,
  type StatsServerOptions,
  type StatsServerSettings,
} from './options.js';
import { StatsdIngest } from './statsd/statsd-ingest.js';
import { ConnectionSlots } from './transports/connection-slots.js';
import { createHttpHandler, pathOf } from './transports/http-handler.js';
import { TcpListener } from './transports/tcp-listener.js';
import { UdpListener } from './transports/udp-listener.js';
import { WsIngest } from './transports/ws-ingest.js';

const log = getLogger('sightline.stats-server');

/** Where a listening server can be reached. */
export interface StatsServerAddress {
  /** The interface bound, e.g. `127.0.0.1`. */
  readonly host: string;
  /** The HTTP and WebSocket port actually bound. */
  readonly port: number;
  /** `http://host:port`, where batches go to `POST /v1/batch`. */
  readonly url: string;
  /** `ws://host:port/v1/ws`. */
  readonly wsUrl: string;
  /** The UDP StatsD port bound, when `statsd.udpPort` was given. */
  readonly statsdUdpPort?: number;
  /** The TCP StatsD port bound, when `statsd.tcpPort` was given. */
  readonly statsdTcpPort?: number;
}

/** The server's own counters: requests, batches, metrics, refusals and drops. */
export interface StatsServerCounters extends Readonly<IngestCounters> {
  /** Distinct series held now. */
  readonly series: number;
  /** Bytes of the memory budget in use now (estimated). */
  readonly memoryBytes: number;
}

/** What `snapshot()` returns: the metrics held and the server's own counters. */
export interface StatsSnapshot extends StoreSnapshot {
  /** The server's own counters. */
  readonly server: StatsServerCounters;
}

/**
 * A stats server made by `createStatsServer()`: receives signed batches over HTTP and WebSocket (and StatsD
 * lines over UDP and TCP when asked), aggregates them and exposes them in Prometheus format.
 */
export interface StatsServer {
  /** What the server received, in Prometheus text or (negotiated) OpenMetrics, plus its own counters. */
  readonly metrics: MetricsSource;
  /**
   * Binds every listener; read where with `address()`. Calling it again while started returns the
   * same promise; after `close()` it starts the server again, keeping what it received.
   */
  start(): Promise<void>;
  /** Where the server listens; throws when it does not. */
  address(): StatsServerAddress;
  /** Closes every listener and connection. A second call returns the same promise. */
  close(): Promise<void>;
  /** `await using server = createStatsServer(...)`: closes the server. */
  [Symbol.asyncDispose](): Promise<void>;
  /** A JSON-ready copy of everything received and of the server's own counters. */
  snapshot(): StatsSnapshot;
  /**
   * Applies StatsD lines in-process, exactly as the UDP and TCP listeners do (bad lines are counted
   * and logged): for feeding the server from a source of your own. Works whether or not it listens.
   */
  ingestStatsd(text: string): void;
}

/**
 * Creates the server; nothing listens until `start()`. Options are validated here and throw
 * `StatsServerConfigError` naming the option.
 */
export function createStatsServer(options: StatsServerOptions): StatsServer {
  return newStatsServer(options, { source: 'createStatsServer()' });
}

/** The server, with `from` naming the caller in option errors (and the environment, for the CLI). */
export function newStatsServer(options: StatsServerOptions, from: OptionsSource): StatsServer {
  return statsServerWith(resolveServerOptions(options, from));
}

/** The server for settings already resolved (the CLI resolves its flags over the environment). */
export function statsServerWith(settings: StatsServerSettings): StatsServer {
  return new StatsServerImpl(settings);
}

class StatsServerImpl implements StatsServer {
  readonly metrics: MetricsSource;
  // The same source, with the chunked render its own /metrics uses.
  private readonly source: ServerMetricsSource;
  private readonly counters = newIngestCounters();
  private readonly budget: MemoryBudget;
  private readonly store: MetricStore;
  private readonly ingest: BatchIngest;
  private readonly statsd: StatsdIngest;
  private running: Running | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: StatsServerSettings) {
    const buckets = bucketBounds(options);
    this.budget = new MemoryBudget(options.maxMemoryBytes);
    this.store = new MetricStore(
      {
        maxSeries: options.maxSeries,
        timerBuckets: buckets.timer,
        histogramBuckets: buckets.histogram,
        maxSetMembers: options.maxSetMembers,
        prefix: options.metricPrefix,
        maxNameLength: options.maxNameLength,
        maxTags: options.maxTags,
        maxTagKeyLength: options.maxTagKeyLength,
        maxTagValueLength: options.maxTagValueLength,
        maxSetMemberLength: options.maxSetMemberLength,
        budget: this.budget,
      },
      this.counters,
    );
    this.ingest = new BatchIngest(this.store, this.counters, {
      secrets: secretList(options),
      maxSkewMs: options.maxSkewMs,
      maxBodyBytes: options.maxBodyBytes,
      budget: this.budget,
    });
    this.statsd = new StatsdIngest(this.store, this.counters);
    this.metrics = this.source = createMetricsSource(() => ({
      families: this.store.familyList(),
      counters: this.counters,
      seriesCount: this.store.seriesCount,
      memoryBytes: this.budget.used,
    }));
  }

  start(): Promise<void> {
    if (this.starting === undefined) {
      // Started again after close(): once the listeners of the last run are closed.
      const previous = this.closing ?? Promise.resolve();
      this.closing = undefined;
      const starting: Promise<void> = previous
        .then(() => this.open())
        .then(
          (running) => {
            this.running = running;
          },
          (error: unknown) => {
            if (this.starting === starting) this.starting = undefined;
            throw error;
          },
        );
      this.starting = starting;
    }
    return this.starting;
  }

  address(): StatsServerAddress {
    if (!this.running) throw new Error('stats server is not listening: call start() first');
    return this.running.address;
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      const starting = this.starting;
      this.starting = undefined;
      this.closing = this.shutDown(starting);
    }
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutDown(starting: Promise<void> | undefined): Promise<void> {
    try {
      await starting;
    } catch {
      // It never listened: nothing to close.
    }
    const running = this.running;
    this.running = undefined;
    if (running) await running.close();
  }

  snapshot(): StatsSnapshot {
    return {
      ...this.store.snapshot(),
      server: { ...copyCounters(this.counters), series: this.store.seriesCount, memoryBytes: this.budget.used },
    };
  }

  ingestStatsd(text: string): void {
    this.statsd.handlePacket(text, 'in-process');
  }

  /** Binds every listener; closes what it had opened when one fails. */
  private async open(): Promise<Running> {
    const o = this.options;
    const statsdHost = o.statsd.host ?? o.host;
    const ws = new WsIngest(this.ingest, o.maxBodyBytes);
    const http = this.httpServer(ws);
    const { udpPort, tcpPort } = o.statsd;
    const udp = udpPort === undefined ? undefined : new UdpListener(statsdHost, udpPort, this.statsd);
    const tcp =
      tcpPort === undefined
        ? undefined
        : new TcpListener(statsdHost, tcpPort, this.statsd, o.maxTcpLineLength, o.maxConnections, this.counters);

    const closeAll = async () => {
      await Promise.all([
        ws.close(),
        udp?.close(),
        tcp?.close(),
        new Promise<void>((resolve) => {
          if (!http.listening) return resolve();
          http.close(() => resolve());
          http.closeAllConnections();
        }),
      ]);
    };
    try {
      const port = await listenOn(http, o.port, o.host);
      const boundUdp = await udp?.listen();
      const boundTcp = await tcp?.listen();
      const urlHost = o.host.includes(':') ? `[${o.host}]` : o.host;
      const address: StatsServerAddress = {
        host: o.host,
        port,
        url: `http://${urlHost}:${port}`,
        wsUrl: `ws://${urlHost}:${port}${WS_PATH}`,
        ...(boundUdp === undefined ? {} : { statsdUdpPort: boundUdp }),
        ...(boundTcp === undefined ? {} : { statsdTcpPort: boundTcp }),
      };
      log.info('stats server listening', { ...address });
      return { address, close: closeAll };
    } catch (error) {
      await closeAll();
      throw error;
    }
  }

  /** The HTTP server for batches, scrapes and WebSocket upgrades; not listening yet. */
  private httpServer(ws: WsIngest): HttpServer {
    const o = this.options;
    const http = createHttpServer(
      {
        // Headers are timed by Node (408 through 'clientError' below), a batch body by the handler:
        // one clock per phase, so a slow request is answered and counted once.
        requestTimeout: 0,
        headersTimeout: o.requestTimeoutMs,
        // Node checks that timeout every 30 s by default: a 30 s limit then takes up to 60 s.
        connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(o.requestTimeoutMs / 4))),
      },
      createHttpHandler({
        ingest: this.ingest,
        counters: this.counters,
        budget: this.budget,
        maxSkewMs: o.maxSkewMs,
        requestTimeoutMs: o.requestTimeoutMs,
        maxBodyBytes: o.maxBodyBytes,
        ...(o.exposeMetrics ? { metrics: this.source, snapshot: () => this.snapshot() } : {}),
      }),
    );
    // The toolkit's own server: batches and scrapes are not an app's HTTP traffic.
    markToolkitServer(http);
    http.on('upgrade', (req, socket: Socket, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if (pathOf(req.url) === WS_PATH) ws.handleUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    new ConnectionSlots(o.maxConnections, this.counters).watch(http);
    http.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
      // Headers not complete within the time allowed: 408, as the documentation says, not 400.
      const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      if (timedOut) this.counters.requestsTimedOut++;
      if (socket.writable) {
        socket.end(
          timedOut
            ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
            : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
      } else socket.destroy();
    });
    return http;
  }
}

interface Running {
  readonly address: StatsServerAddress;
  close(): Promise<void>;
}

function listenOn(server: HttpServer, port: number, host: string): Promise<number> {
  return listen(server, port, host).then((address) => {
    server.on('error', (error: Error) => log.warn('HTTP server error', { error: error.message }));
    return address.port;
  });
}
