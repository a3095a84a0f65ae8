// The demo service: every Sightline package wired through @sightline/setup, as a user would.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { combineHooks, getLogger, type MetricsHooks } from '@sightline/core';
import { errorText, listen } from '@sightline/core/internal';
import { health } from '@sightline/health';
import { extractTraceparent, injectTraceparent, messagingAttributes, OpenTelemetry, otel, scope, setHttpRoute } from '@sightline/otel';
import { cacheMetrics, httpMetrics, prometheus, queueMetrics } from '@sightline/prometheus';
import { CustomSensor, healthMonitor, InstrumentedTable, logging, monitor } from '@sightline/sensors';
import { PluginStartError, setup, type Observability } from '@sightline/setup';
import { stats } from '@sightline/stats';
import { status } from '@sightline/status';
import { createStatsServer, statsServer } from '@sightline/stats-server';
import { createWsServer, type WsServer } from '@sightline/ws';
import { LoadGenerator } from './load-generator.js';
import type { DemoOptions } from './options.js';
import { InvalidOrderError, OrderNotFoundError, orderTotal, validateOrder, type Order } from './orders/order.js';
import { OrderStore } from './orders/order-store.js';
import { explainListenError, listenOrExplain } from './ports.js';
import { Consumer } from './stream/consumer.js';
import { Topic, type TopicMessage } from './stream/topic.js';

const log = getLogger('demo');
export const SERVICE = 'sightline-demo';
const VERSION = '0.1.0';

export interface DemoUrls {
  readonly api: string;
  readonly ws: string;
  readonly health: string;
  readonly ready: string;
  readonly live: string;
  readonly metrics: string;
  readonly stats: string;
  /** The live status page: charts, health, recent traces. */
  readonly status: string;
}

export interface DemoSummary {
  readonly ordersPerSecond: number;
  readonly p95Ms: number;
  readonly queueDepth: number;
  readonly errors: number;
  readonly ordersTotal: number;
}

export interface DemoApp {
  readonly urls: DemoUrls;
  readonly observability: Observability;
  summary(): DemoSummary;
  stop(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startDemo(options: DemoOptions): Promise<DemoApp> {
  const { host } = options;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  // The receiving side of the business metrics, embedded so the demo needs no outside server.
  const secret = randomBytes(24).toString('hex');
  const statsReceiver = createStatsServer({ host, port: options.statsPort, secrets: [secret] });
  const statsAddress = await listenOrExplain(
    statsReceiver.start().then(() => statsReceiver.address()),
    'stats-server',
    '--stats-port',
    host,
    options.statsPort,
  );

  const prom = prometheus();
  // Order ids are not numeric, so name the route rather than rely on the id-collapsing normaliser.
  const http = httpMetrics(prom.collector, {
    endpoint: (req) => (/^\/orders\/[^/?]+/.test(req.url ?? '') ? '/orders/:id' : undefined),
  });
  const orderCache = cacheMetrics(prom.collector).cache('orders');
  const topic = new Topic<Order>('orders', options.partitions);
  // Nothing in the demo reads order-events: its retention bounds what it keeps, as Kafka's would.
  const events = new Topic<unknown>('order-events', options.partitions, 1_000);
  let activeWorkers = 0;
  const queue = queueMetrics(prom.collector).queue('orders', () => ({ depth: topic.depth(), activeWorkers }));

  const statsPlugin = stats({ protocol: 'http', destHost: host, destPort: statsAddress.port, secret, prefix: 'demo' });
  const monitorPlugin = monitor();
  const healthMonitorPlugin = healthMonitor({ lagThreshold: 5_000, errorRateThreshold: 0.5 });
  const business = new CustomSensor('business');
  const healthPlugin = health({ host, port: options.healthPort, shutdownTimeoutMs: 2_000 });
  // The demo's own parts, stopped by setup after the shutdown delay and before the plugins.
  let stopApp: () => Promise<void> = () => Promise.resolve();

  const observability = setup({
    service: SERVICE,
    version: VERSION,
    environment: 'demo',
    stopTimeoutMs: 3_000,
    // Ready once the API and the consumer run, not when the plugins have started.
    readiness: 'manual',
    shutdownDelayMs: 200,
    beforeShutdown: () => stopApp(),
    plugins: [
      statsServer(statsReceiver),
      prom,
      statsPlugin,
      // Inside setup's 3 s per-plugin stop timeout, so otel itself logs what it abandons.
      otel({ shutdownTimeoutMs: 2_500 }),
      monitorPlugin,
      logging(),
      healthMonitorPlugin,
      { name: 'business', sensor: business },
      // The live page at /status, served by the health server; otel feeds it the recent traces.
      status(),
      healthPlugin,
    ],
  });
  try {
    await observability.start();
  } catch (error) {
    await statsReceiver.close();
    const cause = error instanceof PluginStartError ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    throw explainListenError(cause, 'health server', '--health-port', host, options.healthPort) ?? error;
  }

  const statsClient = statsPlugin.client;
  const store = new OrderStore(orderCache, undefined, options.maxOrders);
  const totals = new InstrumentedTable<string, number>('customer-totals', observability.sensor);
  let errors = 0;
  let nextId = 1;
  const hooks: MetricsHooks = combineHooks(observability.hooks, { onError: () => errors++ });

  function createOrder(payload: unknown): Order {
    const started = performance.now();
    try {
      const input = validateOrder(payload);
      const order: Order = {
        ...input,
        id: `o-${nextId++}`,
        total: orderTotal(input),
        createdAt: new Date().toISOString(),
        status: 'accepted',
      };
      store.add(order);
      // The stream hop carries the trace: order.process continues order.create's trace.
      topic.produce(order.customerId, order, injectTraceparent<Record<string, string>>({}));
      // Per-request metrics go into the client's own buffer: aggregated in memory and sent as one signed
      // batch a flush (a pipeline per request would be one batch per request).
      statsClient.incr('orders.created');
      statsClient.hist('orders.amount', order.total);
      statsClient.gauge('orders.queue_depth', topic.depth());
      return order;
    } catch (error) {
      if (error instanceof InvalidOrderError) statsClient.incr('orders.rejected');
      throw error;
    } finally {
      business.recordHistogram('order_create_ms', performance.now() - started);
    }
  }

  function processOrder(message: TopicMessage<Order>): unknown {
    const attributes = {
      'order.id': message.value.id,
      ...messagingAttributes(message.tp, { operation: 'process', messageId: message.offset }),
    };
    return OpenTelemetry.observability({ ...extractTraceparent(message.headers) }).scope(
      'order.process',
      { kind: 'consumer', attributes },
      () =>
        queue.run(() => {
          const order = message.value;
          totals.set(order.customerId, Math.round(((totals.get(order.customerId) ?? 0) + order.total) * 100) / 100);
          order.status = 'processed';
          store.update(order);
          statsClient.time('orders.processing', Date.now() - Date.parse(order.createdAt));
          business.incrementCounter('orders_processed', 1);
          return { type: 'order.processed', id: order.id, customerTotal: totals.get(order.customerId) };
        }),
    );
  }

  const consumer = new Consumer<Order>({
    topic,
    sensor: observability.sensor,
    handle: processOrder,
    output: events,
    // Both monitors compute lag from the end offset: the health check and sightline_consumer_lag.
    onEndOffset: (tp, end) => {
      healthMonitorPlugin.sensor.reportEndOffset(tp, end);
      prom.sensor.reportEndOffset(tp, end);
    },
    onActiveChange: (active) => (activeWorkers = active),
  });

  // The API: WebSocket requests on /ws, and a small REST API on the same port.
  const rest = http.handler((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const match = /^\/orders\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      // Names the route of the HTTP server span the otel plugin records for this request.
      setHttpRoute(req, '/orders/:id');
      try {
        return json(res, 200, store.get(match[1]!));
      } catch (error) {
        if (error instanceof OrderNotFoundError) return json(res, 404, { error: error.message });
        throw error;
      }
    }
    if (req.method === 'GET' && url.pathname === '/summary') return json(res, 200, summary());
    json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  });
  const apiServer: Server = createServer((req, res) => {
    try {
      void rest(req, res);
    } catch (error) {
      log.error('REST handler failed', { error: errorText(error) });
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    }
  });
  let ws: WsServer | undefined;
  try {
    await listenOrExplain(listen(apiServer, options.apiPort, host), 'API server', '--api-port', host, options.apiPort);
    ws = await createWsServer({
      server: apiServer,
      path: '/ws',
      hooks,
      handlers: {
        'order.create': (payload) => scope('order.create', () => createOrder(payload)),
        'order.get': (payload) =>
          scope('order.get', () => {
            const id = (payload as { id?: unknown } | null)?.id;
            if (typeof id !== 'string') throw new InvalidOrderError('order.get needs { id: string }');
            return store.get(id);
          }),
      },
    });
  } catch (error) {
    apiServer.close();
    await observability.close();
    throw error;
  }

  const apiPort = (apiServer.address() as { port: number }).port;
  const healthPort = healthPlugin.server!.port;
  const healthBase = `http://${urlHost}:${healthPort}`;
  const urls: DemoUrls = {
    api: `http://${urlHost}:${apiPort}`,
    ws: `ws://${urlHost}:${apiPort}/ws`,
    health: `${healthBase}/health`,
    ready: `${healthBase}/health/ready`,
    live: `${healthBase}/health/live`,
    metrics: `${healthBase}/metrics`,
    stats: `${statsAddress.url}/v1/snapshot`,
    status: `${healthBase}/status`,
  };

  consumer.start();
  observability.markReady();
  const load = new LoadGenerator({ url: urls.ws, restUrl: urls.api, rate: options.rate, failureRate: options.failureRate });
  await load.start();

  function summary(): DemoSummary {
    const latency = business.getMetrics().histograms['order_create_ms'];
    return {
      ordersPerSecond: monitorPlugin.sensor.messagesReceivedPerSecond(),
      p95Ms: latency?.p95 ?? 0,
      queueDepth: topic.depth(),
      errors,
      ordersTotal: monitorPlugin.sensor.messagesReceivedTotal(),
    };
  }

  stopApp = async () => {
    await load.stop();
    await ws?.close();
    await new Promise<void>((resolve) => apiServer.close(() => resolve()));
    await consumer.stop();
  };
  return {
    urls,
    observability,
    summary,
    // What SIGTERM does (setup handles the signals): readiness 503, the delay, the app, the plugins.
    async stop() {
      await observability.close();
    },
  };
}
