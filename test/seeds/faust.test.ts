// Seed 004, Faust's monitoring and sensors: its usage examples ported line for line to TypeScript and
// run against @sightline/sensors, the adapters in @sightline/prometheus and @sightline/stats, and
// @sightline/setup. There is no Faust app nor Kafka here: where the seed's agent consumes a topic,
// the test fires the sensor events a consumer loop fires (`onMessageIn`, `onStreamEventIn/Out`,
// table reads, commits, sends) in the order Faust fires them. Names and shapes that differ are listed
// in "Differences from Faust" in the sensors README.
import dgram from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { freemem, totalmem } from 'node:os';
import { setLogLevel, setLogSink, type LogRecord, type Sensor, type SensorState } from '@sightline/core';
import { createHealthServer } from '@sightline/health';
import { MetricsCollector, prometheus, PrometheusMonitor as BuiltInPrometheusMonitor } from '@sightline/prometheus';
import { setup } from '@sightline/setup';
import {
  BaseSensor,
  CustomSensor,
  HealthMonitor as BuiltInHealthMonitor,
  healthMonitor,
  logging,
  LoggingSensor,
  Monitor,
  SensorDelegate,
} from '@sightline/sensors';
import { stats, StatsDMonitor } from '@sightline/stats';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A clock the test moves: rates and latencies come out exact. */
function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** A page served on loopback, as Faust's `@app.page(path)`. */
async function page(handler: () => Promise<{ status: number; type: string; body: string }>): Promise<string> {
  const server: Server = createServer((_req, res) => {
    void handler().then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A UDP socket on a free loopback port keeping every datagram, as text. */
async function udpReceiver() {
  const socket = dgram.createSocket('udp4');
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (m) => {
    lines.push(...m.toString().split('\n'));
    wake?.();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    port: socket.address().port,
    lines,
    /** Resolves once a line starting with `prefix` arrived. */
    async waitFor(prefix: string): Promise<void> {
      while (!lines.some((l) => l.startsWith(prefix))) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

/** What a consumer loop fires for one message: received, processed as a stream event, a table read, and acked. */
function consume(sensor: Sensor, tp: string, offset: number, event: Record<string, unknown>): void {
  sensor.onMessageIn?.(tp, offset, event);
  const state: SensorState = sensor.onStreamEventIn?.(tp, offset, null, event);
  sensor.onTableGet?.('counts', event['id']);
  sensor.onStreamEventOut?.(tp, offset, null, event, state);
}

// ---- Basic Monitoring Setup ---------------------------------------------------------------------

describe('seed 004, Faust: basic monitoring setup', () => {
  it('a Monitor reads messages received, events per second, table operations and commit latency', () => {
    const clock = fakeClock();
    // Enable built-in monitoring
    const monitor = new Monitor({ clock });
    // app.monitor = monitor: the events a consumer of `events` fires.
    for (let offset = 0; offset < 30; offset++) consume(monitor, 'events/0', offset, { id: offset });
    const commit = monitor.onCommitInitiated(null);
    clock.advance(5);
    monitor.onCommitCompleted(null, commit);
    clock.advance(30_000 - 5); // @app.timer(interval=30.0)

    const printed: string[] = [];
    const printMetrics = (): void => {
      printed.push(`Messages received: ${monitor.messagesReceivedTotal()}`);
      printed.push(`Events per second: ${monitor.eventsPerSecond().toFixed(2)}`);
      printed.push(`Table operations: ${monitor.tablesGetTotal()}`);
      printed.push(`Commit latency: ${monitor.commitLatencyAvg().toFixed(3)}s`);
    };
    printMetrics();
    expect(printed).toEqual(['Messages received: 30', 'Events per second: 1.00', 'Table operations: 30', 'Commit latency: 0.005s']);
  });

  it("MonitorT's reads and the seed's history properties", () => {
    const monitor = new Monitor({ maxAvgHistory: 100, maxCommitLatencyHistory: 30, maxSendLatencyHistory: 30 });
    // SensorT / MonitorT of the seed are core's Sensor type and the Monitor class.
    const asSensor: Sensor = monitor;
    expect(typeof asSensor.asDict).toBe('function');
    expect([monitor.maxAvgHistory, monitor.maxCommitLatencyHistory, monitor.maxSendLatencyHistory]).toEqual([100, 30, 30]);
    expect([monitor.messagesReceivedTotal(), monitor.messagesSentTotal(), monitor.eventsPerSecond(), monitor.commitLatencyAvg()]).toEqual([
      0, 0, 0, 0,
    ]);
    for (const read of [
      'eventsTotal',
      'messagesReceivedPerSecond',
      'messagesSentPerSecond',
      'tablesContainsTotal',
      'tablesSetTotal',
      'tablesDelTotal',
      'sendLatencyAvg',
      'commitLatencyMax',
      'sendLatencyMax',
      'assignmentLatencyAvg',
      'assignmentErrorTotal',
      'rebalancesTotal',
      'rebalanceReturnLatencyAvg',
      'topicBufferFullTotal',
    ] as const) {
      expect(monitor[read]()).toBe(0);
    }
  });
});

// ---- Custom Sensor Implementation ---------------------------------------------------------------

class BusinessMetricsSensor extends BaseSensor {
  orderCount = 0;
  revenueTotal = 0.0;
  processingTimes: number[] = [];
  readonly startTime = Date.now() / 1000;

  override onStreamEventIn(_tp: string, _offset: number, _stream: unknown, event: unknown): SensorState {
    // Track event processing start
    (event as { _processingStart?: number })._processingStart = Date.now() / 1000;
    return undefined;
  }

  override onStreamEventOut(_tp: string, _offset: number, _stream: unknown, event: unknown): void {
    // Calculate processing time
    const start = (event as { _processingStart?: number })._processingStart;
    if (start !== undefined) {
      const processingTime = Date.now() / 1000 - start;
      this.processingTimes.push(processingTime);

      // Keep only recent processing times
      if (this.processingTimes.length > 1000) this.processingTimes = this.processingTimes.slice(-1000);
    }
  }

  /** Record business order metrics. */
  recordOrder(amount: number): void {
    this.orderCount += 1;
    this.revenueTotal += amount;
  }

  /** Get business-specific metrics. */
  getBusinessMetrics() {
    // At least a millisecond: the seed divides by the uptime.
    const uptime = Math.max(Date.now() / 1000 - this.startTime, 0.001);
    const avgProcessingTime = this.processingTimes.length
      ? this.processingTimes.reduce((a, b) => a + b, 0) / this.processingTimes.length
      : 0;
    return {
      orders_total: this.orderCount,
      revenue_total: this.revenueTotal,
      orders_per_hour: this.orderCount / (uptime / 3600),
      avg_processing_time: avgProcessingTime,
      uptime_seconds: uptime,
    };
  }
}

describe('seed 004, Faust: custom sensor', () => {
  it('BusinessMetricsSensor times events through the event object and records orders', () => {
    // Use custom sensor
    const businessSensor = new BusinessMetricsSensor();
    const appMonitor = new SensorDelegate(businessSensor); // app.monitor = business_sensor

    // @app.agent(): process_orders
    const orders = [
      { id: 1, amount: 20.5 },
      { id: 2, amount: 9.5 },
    ];
    orders.forEach((order, offset) => {
      const state = appMonitor.onStreamEventIn('orders/0', offset, null, order);
      const amount = order.amount;
      businessSensor.recordOrder(amount);
      appMonitor.onStreamEventOut('orders/0', offset, null, order, state);
    });

    const m = businessSensor.getBusinessMetrics();
    expect(m).toEqual({
      orders_total: 2,
      revenue_total: 30,
      orders_per_hour: 2 / (m.uptime_seconds / 3600),
      avg_processing_time: expect.any(Number),
      uptime_seconds: expect.any(Number),
    });
    expect(businessSensor.processingTimes).toHaveLength(2);
    expect(m.avg_processing_time).toBeGreaterThanOrEqual(0);
  });
});

// ---- Prometheus Integration ---------------------------------------------------------------------

// The seed's own subclass of Monitor, over prometheus_client; prom-client's metrics come from a
// MetricsCollector here (its registry is the one exported).
class PrometheusMonitor extends Monitor {
  readonly collector = new MetricsCollector();
  // Prometheus metrics
  readonly messagesReceived = this.collector.counter('faust_messages_received_total', 'Total received messages');
  readonly messagesSent = this.collector.counter('faust_messages_sent_total', 'Total sent messages');
  readonly processingDuration = this.collector.histogram('faust_processing_duration_seconds', 'Processing duration');
  readonly consumerLag = this.collector.gauge('faust_consumer_lag', 'Consumer lag', { labels: ['topic', 'partition'] });

  override onMessageIn(tp: string, offset: number, message: unknown): void {
    super.onMessageIn(tp, offset, message);
    this.messagesReceived.inc();
  }

  override onMessageOut(tp: string, offset: number, message: unknown): void {
    super.onMessageOut(tp, offset, message);
    this.messagesSent.inc();
  }

  override onStreamEventIn(tp: string, offset: number, stream: unknown, event: unknown): SensorState {
    const state = super.onStreamEventIn(tp, offset, stream, event);
    (event as { _startTime?: number })._startTime = performance.now() / 1000;
    return state;
  }

  override onStreamEventOut(tp: string, offset: number, stream: unknown, event: unknown, state?: SensorState): void {
    super.onStreamEventOut(tp, offset, stream, event, state);
    const start = (event as { _startTime?: number })._startTime;
    if (start !== undefined) {
      const duration = performance.now() / 1000 - start;
      this.processingDuration.observe(duration);
    }
  }

  /** Export metrics in Prometheus format. */
  exportMetrics(): Promise<string> {
    return this.collector.render();
  }
}

describe('seed 004, Faust: Prometheus integration', () => {
  it("the seed's Monitor subclass, served at /metrics over HTTP", async () => {
    // Setup Prometheus endpoint
    const prometheusMonitor = new PrometheusMonitor();
    // @app.page('/metrics')
    const url = await page(async () => ({ status: 200, type: 'text/plain', body: await prometheusMonitor.exportMetrics() }));

    consume(prometheusMonitor, 'events/0', 0, { id: 1 });
    consume(prometheusMonitor, 'events/0', 1, { id: 2 });
    prometheusMonitor.onMessageOut('out/0', 0, {});
    prometheusMonitor.consumerLag.labels({ topic: 'events', partition: '0' }).set(3);

    const r = await fetch(`${url}/metrics`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain('faust_messages_received_total 2\n');
    expect(text).toContain('faust_messages_sent_total 1\n');
    expect(text).toContain('faust_processing_duration_seconds_count 2\n');
    expect(text).toContain('faust_consumer_lag{topic="events",partition="0"} 3\n');
    // The Monitor underneath reads the same.
    expect([prometheusMonitor.messagesReceivedTotal(), prometheusMonitor.messagesSentTotal()]).toEqual([2, 1]);
  });

  it("the built-in PrometheusMonitor({ namespace: 'faust' }) exports the same figures without a subclass", async () => {
    const monitor = new BuiltInPrometheusMonitor({ namespace: 'faust', timeEventsEvery: 1 });
    const url = await page(async () => ({ status: 200, type: 'text/plain', body: await monitor.exportMetrics() }));
    consume(monitor, 'events/0', 0, { id: 1 });
    consume(monitor, 'events/0', 1, { id: 2 });
    monitor.onMessageOut('out/0', 0, {});
    monitor.reportEndOffset('events/0', 5); // read up to offset 1: 3 behind

    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('faust_messages_received_total 2\n');
    expect(text).toContain('faust_messages_sent_total 1\n');
    // The seed's faust_processing_duration_seconds is faust_events_runtime_seconds here.
    expect(text).toMatch(/^faust_events_runtime_seconds_count 2$/m);
    expect(text).toContain('faust_consumer_lag{topic="events",partition="0"} 3\n');
  });
});

// ---- Health Monitoring --------------------------------------------------------------------------

// The seed's own HealthMonitor subclass; psutil.virtual_memory().percent is the system memory in use.
class HealthMonitor extends Monitor {
  errorCount = 0;
  readonly lastHealthCheck = Date.now() / 1000;
  healthStatus: Record<string, unknown> = { healthy: true, issues: [] };

  constructor(
    options: ConstructorParameters<typeof Monitor>[0] = {},
    // Injectable so the test does not depend on this machine's memory.
    private readonly virtualMemoryPercent = (): number => (1 - freemem() / totalmem()) * 100,
  ) {
    super(options);
  }

  override onSendError(producer: unknown, exc: unknown, state: SensorState): void {
    super.onSendError(producer, exc, state);
    this.errorCount += 1;
  }

  /** Comprehensive health check. */
  checkHealth() {
    const issues: string[] = [];

    // Check error rate
    if (this.errorCount > 10) issues.push(`High error count: ${this.errorCount}`);

    // Check memory usage
    const memoryPercent = this.virtualMemoryPercent();
    if (memoryPercent > 90) issues.push(`High memory usage: ${memoryPercent}%`);

    // Check processing lag
    const eventsPerSec = this.eventsPerSecond();
    if (eventsPerSec === 0) issues.push('No events being processed');

    // Update health status
    const now = Date.now() / 1000;
    this.healthStatus = {
      healthy: issues.length === 0,
      issues,
      timestamp: now,
      uptime: now - this.lastHealthCheck,
      memory_usage: memoryPercent,
      events_per_second: eventsPerSec,
    };
    return this.healthStatus as { healthy: boolean; issues: string[] } & Record<string, unknown>;
  }
}

describe('seed 004, Faust: health monitoring', () => {
  it("the seed's HealthMonitor subclass behind @app.page('/health'): 503 with no events, 200 once they flow", async () => {
    const clock = fakeClock();
    const appMonitor = new HealthMonitor({ clock }, () => 42);
    const printed: string[] = [];
    // @app.timer(interval=60.0)
    const healthCheck = (): void => {
      const health = appMonitor.checkHealth();
      if (!health.healthy) printed.push(`HEALTH WARNING: ${JSON.stringify(health.issues)}`);
    };
    // @app.page('/health')
    const url = await page(() => {
      const health = appMonitor.checkHealth();
      const statusCode = health.healthy ? 200 : 503;
      return Promise.resolve({ status: statusCode, type: 'application/json', body: JSON.stringify(health) });
    });

    healthCheck();
    expect(printed).toEqual(['HEALTH WARNING: ["No events being processed"]']);
    const idle = await fetch(`${url}/health`);
    expect(idle.status).toBe(503);
    expect(await idle.json()).toMatchObject({
      healthy: false,
      issues: ['No events being processed'],
      memory_usage: 42,
      events_per_second: 0,
    });

    for (let offset = 0; offset < 60; offset++) consume(appMonitor, 'events/0', offset, { id: offset });
    clock.advance(60_000);
    const busy = await fetch(`${url}/health`);
    expect(busy.status).toBe(200);
    const body = (await busy.json()) as Record<string, unknown>;
    expect(body).toEqual({
      healthy: true,
      issues: [],
      timestamp: expect.any(Number),
      uptime: expect.any(Number),
      memory_usage: 42,
      events_per_second: 1,
    });

    for (let i = 0; i < 11; i++) appMonitor.onSendError(null, new Error('broker down'), appMonitor.onSendInitiated(null, 'out', {}));
    expect(appMonitor.checkHealth().issues).toEqual(['High error count: 11']);
  });

  it('the built-in HealthMonitor: the seed signature, checks, and a report with timestamp and uptime over HTTP', async () => {
    const clock = fakeClock();
    const alerts: string[] = [];
    const hm = new BuiltInHealthMonitor({
      lagThreshold: 1000,
      errorRateThreshold: 0.1,
      checkIntervalMs: 30_000, // check_interval=30.0
      clock,
      onAlert: (a) => alerts.push(a.condition),
      memoryUsage: () => ({ rss: 1, heapUsed: 10, heapTotal: 20, heapLimit: 100, external: 0 }),
    });
    // cacheMs: 0, so each probe runs the check (the default reuses a result for a second).
    const server = await createHealthServer({ port: 0, ready: true, cacheMs: 0, checks: [hm.healthCheck], sensors: { health: hm } });
    closers.push(() => server.close());

    hm.onMessageIn('events/0', 0, {});
    hm.reportEndOffset('events/0', 1);
    clock.advance(2_000);
    expect(hm.checkConsumerLag()).toEqual({ 'events/0': 0 });
    expect(hm.checkErrorRate()).toBe(0);
    expect(hm.checkMemoryUsage()).toMatchObject({ ratio: 0.1, healthy: true });
    expect(hm.isHealthy()).toBe(true);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);

    const before = Date.now() / 1000;
    const report = hm.getHealthReport();
    expect(report).toMatchObject({ healthy: true, issues: [], events_per_second: 0, uptime: 2 });
    expect(report.timestamp).toBeGreaterThanOrEqual(before);
    // The JSON /metrics fallback carries the sensor's figures with its health report.
    const fallback = (await (await fetch(`${server.url}/metrics`)).json()) as { health: { health: Record<string, unknown> } };
    expect(fallback.health.health).toMatchObject({ healthy: true, uptime: 2, timestamp: expect.any(Number) });

    hm.reportEndOffset('events/0', 5_000); // 4999 behind
    const lagging = await fetch(`${server.url}/health/ready`);
    expect(lagging.status).toBe(503);
    expect(alerts).toEqual(['lag']);
  });
});

// ---- Multi-Sensor Setup -------------------------------------------------------------------------

describe('seed 004, Faust: multi-sensor setup', () => {
  it('a SensorDelegate forwards every event to the four sensors; the report reads each', async () => {
    const records: LogRecord[] = [];
    setLogLevel('sightline.sensor', 'info');
    const previous = setLogSink((r) => void records.push(r));
    try {
      const clock = fakeClock();
      // Create multiple specialized sensors
      const prometheusSensor = new PrometheusMonitor();
      const businessSensor = new BusinessMetricsSensor();
      const healthSensor = new HealthMonitor({ clock }, () => 42);
      const loggingSensor = new LoggingSensor();

      // Combine all sensors
      const multiSensor = new SensorDelegate(prometheusSensor, businessSensor, healthSensor, loggingSensor);
      // app.monitor = multi_sensor
      for (let offset = 0; offset < 3; offset++) consume(multiSensor, 'orders/0', offset, { id: offset, amount: 10 });
      clock.advance(3_000);

      // @app.timer(interval=300.0): comprehensive_monitoring
      const prometheusMetrics = await prometheusSensor.exportMetrics();
      const businessMetrics = businessSensor.getBusinessMetrics();
      const healthStatus = healthSensor.checkHealth();
      const printed = [
        '=== Monitoring Report ===',
        `Business: ${JSON.stringify(businessMetrics)}`,
        `Health: ${JSON.stringify(healthStatus)}`,
      ];

      expect(prometheusMetrics).toContain('faust_messages_received_total 3\n');
      expect(businessSensor.processingTimes).toHaveLength(3);
      expect(healthStatus).toMatchObject({ healthy: true, events_per_second: 1 });
      expect(printed[0]).toBe('=== Monitoring Report ===');
      expect(records.filter((r) => r.logger === 'sightline.sensor' && r.fields?.['tp'] === 'orders/0').length).toBeGreaterThanOrEqual(3);
      expect(Object.keys(multiSensor.getCombinedMetrics())).toEqual([
        'PrometheusMonitor',
        'BusinessMetricsSensor',
        'HealthMonitor',
        'LoggingSensor',
      ]);
    } finally {
      setLogSink(previous);
      setLogLevel('sightline.sensor', undefined);
    }
  });
});

// ---- StatsDMonitor ------------------------------------------------------------------------------

describe('seed 004, Faust: StatsDMonitor', () => {
  it('StatsDMonitor(host, port, prefix) is a Monitor: the read API, and StatsD lines on a real UDP socket', async () => {
    const udp = await udpReceiver();
    const monitor = new StatsDMonitor({ host: '127.0.0.1', port: udp.port, prefix: 'faust' });
    expect(monitor).toBeInstanceOf(Monitor);
    for (let offset = 0; offset < 3; offset++) consume(monitor, 'events/0', offset, { id: offset });
    monitor.onMessageOut('out/0', 0, {});
    monitor.onCommitCompleted(null, monitor.onCommitInitiated(null));
    monitor.sendMetric('orders', 2, 'c');
    monitor.sendMetric('queue_depth', 7, 'g');
    expect([monitor.messagesReceivedTotal(), monitor.messagesSentTotal(), monitor.eventsTotal(), monitor.tablesGetTotal()]).toEqual([
      3, 1, 3, 3,
    ]);
    expect(monitor.commitLatencyAvg()).toBeGreaterThanOrEqual(0);

    await monitor.close(); // flushes its own client
    await udp.waitFor('faust.commits:');
    for (const line of [
      'faust.messages_received:3|c',
      'faust.messages_sent:1|c',
      'faust.events_in:3|c',
      'faust.events:3|c',
      'faust.table.get:3|c',
      'faust.commits:1|c',
      'faust.orders:2|c',
      'faust.queue_depth:7|g',
    ]) {
      expect(udp.lines).toContain(line);
    }
    expect(udp.lines.some((l) => /^faust\.commit_latency:[\d.]+\|ms$/.test(l))).toBe(true);
  });
});

// ---- The API the seed lists (no example of its own) ------------------------------------------------

describe('seed 004, Faust: the listed CustomSensor, LoggingSensor and SensorDelegate methods', () => {
  it('CustomSensor(name): recordMetric, incrementCounter, recordHistogram, setGauge, getMetrics', () => {
    const sensor = new CustomSensor('business');
    expect(sensor.name).toBe('business');
    sensor.recordMetric('last_order', 'o-17', { timestamp: 1_700_000_000_000 });
    sensor.incrementCounter('orders');
    sensor.incrementCounter('orders', 2);
    sensor.recordHistogram('order_value', 10);
    sensor.recordHistogram('order_value', 30);
    sensor.setGauge('queue_depth', 12);
    const m = sensor.getMetrics();
    expect(m).toMatchObject({
      name: 'business',
      counters: { orders: 3 },
      gauges: { queue_depth: 12 },
      histograms: { order_value: { count: 2, sum: 40, min: 10, max: 30 } },
    });
    expect(JSON.stringify(m.metrics)).toContain('o-17');
  });

  it('LoggingSensor log methods and SensorDelegate addSensor / removeSensor / getCombinedMetrics', () => {
    const records: LogRecord[] = [];
    setLogLevel('sightline.sensor', 'info');
    const previous = setLogSink((r) => void records.push(r));
    try {
      const logger = new LoggingSensor();
      logger.logMessageIn('orders/0', 7, {});
      logger.logMessageOut('orders/0', 8, {});
      logger.logTableOperation('set', 'counts', 'k', 1);
      logger.logPerformanceMetric('batch_seconds', 0.25, { batch: 3 });
      expect(records.map((r) => r.logger)).toEqual(Array(4).fill('sightline.sensor'));

      const monitor = new Monitor();
      const delegate = new SensorDelegate(monitor);
      const custom = new CustomSensor('business');
      delegate.addSensor(custom);
      delegate.onMessageIn('orders/0', 0, {});
      delegate.removeSensor(custom);
      delegate.onMessageIn('orders/0', 1, {});
      expect(monitor.messagesReceivedTotal()).toBe(2);
      expect(Object.keys(delegate.getCombinedMetrics())).toEqual(['Monitor']);
    } finally {
      setLogSink(previous);
      setLogLevel('sightline.sensor', undefined);
    }
  });
});

// ---- setup_monitoring ---------------------------------------------------------------------------

describe('seed 004, Faust: setup_monitoring', () => {
  it('setup() with prometheus, statsd, logging, health checks and a custom sensor: one sensor feeds them all', async () => {
    const udp = await udpReceiver();
    const businessSensor = new BusinessMetricsSensor();
    const prom = prometheus({ namespace: 'faust', collectDefaultMetrics: false });
    // setup_monitoring(app, prometheus=True, statsd=True, logging=True, health_checks=True, custom_sensors=[...])
    const obs = setup({
      service: 'monitored-app',
      signals: false,
      plugins: [
        prom,
        stats({ protocol: 'udp', destHost: '127.0.0.1', destPort: udp.port, prefix: 'faust' }),
        logging(),
        healthMonitor(),
        { name: 'business', sensor: businessSensor },
      ],
    });
    await obs.start();
    for (let offset = 0; offset < 2; offset++) consume(obs.sensor, 'events/0', offset, { id: offset });

    expect(prom.sensor.messagesReceivedTotal()).toBe(2);
    expect(businessSensor.processingTimes).toHaveLength(2);
    expect(Object.keys(obs.snapshot())).toEqual(['prometheus', 'stats', 'logging', 'health-monitor', 'business']);
    expect(obs.healthChecks.map((c) => c.name)).toEqual(['sensors']);
    expect(await prom.collector.render()).toContain('faust_messages_received_total 2\n');

    await obs.close(); // the stats client sends its last figures
    await udp.waitFor('faust.stream.messages_received:');
    expect(udp.lines).toContain('faust.stream.messages_received:2|c');
  });
});
