// What users install in the release-flow test, and the small programs they run with it. Each
// program prints one JSON line as its last output; `check` asserts on it.

export interface Consumer {
  readonly title: string;
  /** Exactly the packages the user installs. */
  readonly install: readonly string[];
  readonly files: Readonly<Record<'consumer.cjs' | 'consumer.mjs' | 'consumer.ts', string>>;
  readonly check: (result: Record<string, unknown>) => void;
}

/**
 * The @sightline/* dependencies besides core that a package may declare: adapters live with their
 * backend (StatsDMonitor and PrometheusMonitor are Monitors of @sightline/sensors), both ends of the stats protocol share its one implementation, and every exporter renders
 * through the one exposition renderer.
 */
export const ALLOWED_SIGHTLINE_DEPS: Readonly<Record<string, readonly string[]>> = {
  '@sightline/otel': ['@sightline/exposition'],
  '@sightline/prometheus': ['@sightline/exposition', '@sightline/sensors'],
  '@sightline/stats': ['@sightline/sensors', '@sightline/stats-protocol'],
  '@sightline/stats-server': ['@sightline/exposition', '@sightline/stats-protocol'],
};

/** The same program body for CommonJS (wrapped in an async function) and ESM (top-level await). */
function programs(imports: { cjs: string; esm: string }, body: string): Pick<Consumer['files'], 'consumer.cjs' | 'consumer.mjs'> {
  return {
    'consumer.cjs': `${imports.cjs}\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
    'consumer.mjs': `${imports.esm}\n${body}\n`,
  };
}

export const CONSUMERS: readonly Consumer[] = [
  {
    title: '@sightline/prometheus and @sightline/health',
    install: ['@sightline/prometheus', '@sightline/health'],
    files: {
      ...programs(
        {
          cjs: "const { MetricsCollector } = require('@sightline/prometheus');\nconst { createHealthServer } = require('@sightline/health');",
          esm: "import { MetricsCollector } from '@sightline/prometheus';\nimport { createHealthServer } from '@sightline/health';",
        },
        `
  const collector = new MetricsCollector();
  collector.counter('shop_orders_total', 'Orders taken', { labels: ['status'] }).inc({ status: 'ok' }, 3);
  const server = await createHealthServer({ port: 0, metrics: collector, ready: true });
  const metrics = await fetch(server.url + '/metrics');
  const text = await metrics.text();
  const ready = await fetch(server.url + '/health/ready');
  const readyBody = await ready.json();
  await server.close();
  console.log(JSON.stringify({
    metricsStatus: metrics.status,
    contentType: metrics.headers.get('content-type'),
    sample: text.split('\\n').find((l) => l.startsWith('shop_orders_total{')),
    readyStatus: ready.status,
    ready: readyBody.status,
  }));`,
      ),
      'consumer.ts': `import { MetricsCollector } from '@sightline/prometheus';
import { createHealthServer, type HealthServer } from '@sightline/health';
import type { MetricsSource } from '@sightline/core';
const collector = new MetricsCollector();
const source: MetricsSource = collector;
export const server: Promise<HealthServer> = createHealthServer({ port: 0, metrics: source, ready: true });
`,
    },
    check: (r) =>
      expect(r).toEqual({
        metricsStatus: 200,
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        sample: 'shop_orders_total{status="ok"} 3',
        readyStatus: 200,
        ready: 'ready',
      }),
  },
  {
    title: '@sightline/stats alone',
    install: ['@sightline/stats'],
    files: {
      ...programs(
        {
          cjs: "const { StatsClient } = require('@sightline/stats');\nconst dgram = require('node:dgram');",
          esm: "import { StatsClient } from '@sightline/stats';\nimport dgram from 'node:dgram';",
        },
        `
  const socket = dgram.createSocket('udp4');
  const lines = [];
  socket.on('message', (msg) => lines.push(...msg.toString().split('\\n').filter(Boolean)));
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const client = new StatsClient({ protocol: 'udp', destHost: '127.0.0.1', destPort: socket.address().port, prefix: 'shop' });
  client.pipeline((pipe) => {
    pipe.incr('orders', 2);
    pipe.incr('orders');
    pipe.gauge('queue', 7);
  });
  await client.close();
  const deadline = Date.now() + 5000;
  while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  socket.close();
  console.log(JSON.stringify({ lines: lines.sort() }));`,
      ),
      'consumer.ts': `import { StatsClient, type Pipeline } from '@sightline/stats';
const client = new StatsClient({ protocol: 'udp', destHost: '127.0.0.1', destPort: 8125, prefix: 'shop' });
client.pipeline((pipe: Pipeline) => {
  pipe.incr('orders', 1, { tags: { region: 'eu' } });
  pipe.time('checkout', 12.5);
});
export const closed: Promise<void> = client.close();
`,
    },
    check: (r) => expect(r).toEqual({ lines: ['shop.orders:3|c', 'shop.queue:7|g'] }),
  },
  {
    title: '@sightline/setup with two plugins (@sightline/sensors and @sightline/health)',
    install: ['@sightline/setup', '@sightline/sensors', '@sightline/health'],
    files: {
      ...programs(
        {
          cjs: "const { setup } = require('@sightline/setup');\nconst { monitor } = require('@sightline/sensors');\nconst { health } = require('@sightline/health');",
          esm: "import { setup } from '@sightline/setup';\nimport { monitor } from '@sightline/sensors';\nimport { health } from '@sightline/health';",
        },
        `
  const web = health({ port: 0, ready: true });
  const obs = setup({ service: 'shop', plugins: [monitor(), web] });
  await obs.start();
  for (let offset = 0; offset < 5; offset++) obs.sensor.onMessageIn('orders/0', offset, { offset });
  const live = await fetch(web.server.url + '/health/live');
  const metrics = await (await fetch(web.server.url + '/metrics')).json();
  await obs.close();
  const stopped = obs.stopReport.stopped;
  console.log(JSON.stringify({ live: live.status, received: metrics.monitor.messages_received_total, stopped }));`,
      ),
      'consumer.ts': `import { setup, type Observability } from '@sightline/setup';
import { monitor } from '@sightline/sensors';
import { health } from '@sightline/health';
const obs: Observability = setup({ service: 'shop', plugins: [monitor(), health({ port: 0 })] });
export const started: Promise<void> = obs.start().then(() => obs.sensor.onMessageIn('orders/0', 1, {}));
`,
    },
    check: (r) => expect(r).toEqual({ live: 200, received: 5, stopped: ['health', 'monitor'] }),
  },
  {
    title: '@sightline/core alone',
    install: ['@sightline/core'],
    files: {
      ...programs(
        { cjs: "const core = require('@sightline/core');", esm: "import * as core from '@sightline/core';" },
        `
  const seen = [];
  const hooks = core.combineHooks({ onRequest: (op) => seen.push(op) }, { onRequest: (op) => seen.push(op + '!') });
  core.toDispatcher(hooks).onRequest('publish', 0.1);
  const value = await core.timed(hooks, 'timed', async () => 42);
  console.log(JSON.stringify({ seen, value, level: core.getLogger('sightline.user').level }));`,
      ),
      'consumer.ts': `import { combineHooks, timed, type MetricsHooks } from '@sightline/core';
const hooks: MetricsHooks = combineHooks({ onRequest: (op: string, secs: number) => void [op, secs] });
export const result: Promise<number> = timed(hooks, 'op', async () => 1);
`,
    },
    check: (r) => expect(r).toEqual({ seen: ['publish', 'publish!', 'timed', 'timed!'], value: 42, level: 'warn' }),
  },
];
