// The heare-stats-client seed (../shared/seeds/001_*.txt), its examples ported line for line to
// @sightline/stats and run against @sightline/stats-server (HTTP, WebSocket) and loopback StatsD
// sockets (UDP, TCP): what reaches the receiver is what the seed says is sent. The seed's
// `metrics.example.com:443` is a real HTTPS host; here the receiver is on loopback (port 443 alone is
// checked for what it implies, TLS).
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setLogSink, type LogRecord } from '../../packages/core/src/index';
import { resetLogging } from '../../packages/core/src/internal';
import { createStatsServer, type StatsServer } from '../../packages/stats-server/src/index';
import { StatsClient, StatsClientSettings, StatsConfigError } from '../../packages/stats/src/index';

const SECRET = 'your-secret-key';

let server: StatsServer;
let logged: LogRecord[];

beforeEach(async () => {
  logged = [];
  setLogSink((r) => logged.push(r));
  server = createStatsServer({ port: 0, secrets: [SECRET] });
  await server.start();
});

afterEach(async () => {
  await server.close();
  resetLogging({});
});

/** `HttpClient(host=..., port=..., secret=..., prefix=...)` against the loopback stats-server. */
function httpClient(options: { prefix?: string; secret?: string } = {}): StatsClient {
  return new StatsClient({
    protocol: 'http',
    destHost: '127.0.0.1',
    destPort: server.address().port,
    secret: options.secret ?? SECRET,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    flushIntervalMs: 0,
  });
}

describe('Quick Start and StatsClientSettings', () => {
  it('loads settings from the environment and sends one pipeline as one batch', async () => {
    // export STATS_CLIENT_SETTINGS__PROTOCOL=http ... (DEST_PORT: the loopback server's, not 443)
    const env = {
      STATS_CLIENT_SETTINGS__PROTOCOL: 'http',
      STATS_CLIENT_SETTINGS__DEST_HOST: '127.0.0.1',
      STATS_CLIENT_SETTINGS__DEST_PORT: String(server.address().port),
      STATS_CLIENT_SETTINGS__SECRET: SECRET,
      STATS_CLIENT_SETTINGS__PREFIX: 'myapp',
    };
    const settings = StatsClientSettings.load({ argv: [], env });
    expect([settings.protocol, settings.destHost, settings.destPort, settings.prefix, settings.hasSecret]).toEqual([
      'http',
      '127.0.0.1',
      server.address().port,
      'myapp',
      true,
    ]);
    const client = settings.createClient();
    {
      // with client.pipeline() as pipe:
      await using pipe = client.pipeline();
      pipe.incr('requests.total');
      pipe.time('response.time', 125.5);
      pipe.gauge('active.connections', 42);
      pipe.hist('request.size', 1024);
    }
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ 'myapp.requests.total': 1 });
    expect(snap.timers).toEqual({ 'myapp.response.time': { count: 1, sum: 125.5, min: 125.5, max: 125.5 } });
    expect(snap.gauges).toEqual({ 'myapp.active.connections': 42 });
    expect(snap.histograms).toEqual({ 'myapp.request.size': { count: 1, sum: 1024, min: 1024, max: 1024 } });
    expect(snap.server.batchesAccepted).toBe(1);
    await client.close();
  });

  it('the same settings from command-line arguments; port 443 means HTTPS', () => {
    const settings = StatsClientSettings.load({
      argv: ['--stats-dest-host', 'metrics.example.com', '--stats-dest-port=443', '--stats-secret', 'your-secret-key'],
      env: {},
    });
    expect([settings.protocol, settings.destHost, settings.destPort]).toEqual(['http', 'metrics.example.com', 443]);
    expect(settings.values()).toMatchObject({ tls: true });
    expect(settings.sourceOf('destPort')).toMatchObject({ source: 'argv' });
  });
});

describe('Example: HTTP Client with Pipelining', () => {
  it('increments, decrements, timings, gauges and histograms arrive as one prefixed batch', async () => {
    const client = httpClient({ prefix: 'myapp' });
    {
      await using pipe = client.pipeline();
      // Increment counters
      pipe.incr('api.requests');
      pipe.incr('api.success', 5);
      // Decrement counters
      pipe.decr('queue.size', 3);
      // Record timing data (in milliseconds)
      pipe.time('db.query.duration', 45.2);
      pipe.time('api.response.time', 123.8);
      // Set gauge values
      pipe.gauge('memory.usage', 85.5);
      pipe.gauge('cpu.percent', 42.1);
      // Record histogram data
      pipe.hist('request.payload.size', 2048);
      pipe.hist('response.payload.size', 512);
    } // Metrics are automatically sent when exiting the block
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ 'myapp.api.requests': 1, 'myapp.api.success': 5, 'myapp.queue.size': -3 });
    expect(snap.gauges).toEqual({ 'myapp.memory.usage': 85.5, 'myapp.cpu.percent': 42.1 });
    expect(Object.keys(snap.timers).sort()).toEqual(['myapp.api.response.time', 'myapp.db.query.duration']);
    expect(snap.timers['myapp.db.query.duration']).toEqual({ count: 1, sum: 45.2, min: 45.2, max: 45.2 });
    expect(snap.histograms['myapp.request.payload.size']).toEqual({ count: 1, sum: 2048, min: 2048, max: 2048 });
    expect(snap.histograms['myapp.response.payload.size']).toEqual({ count: 1, sum: 512, min: 512, max: 512 });
    expect(snap.server.batchesAccepted).toBe(1);
    await client.close();
  });
});

describe('API Reference: metric types', () => {
  it('counters: incr by 1 or n, decr by 1 or n, aggregated in the pipeline', async () => {
    const client = httpClient();
    {
      await using pipe = client.pipeline();
      pipe.incr('page.views'); // Increment by 1
      pipe.incr('api.calls', 5); // Increment by 5
      pipe.decr('active.connections'); // Decrement by 1
      pipe.decr('queue.items', 3); // Decrement by 3
    }
    expect(server.snapshot().counters).toEqual({ 'page.views': 1, 'api.calls': 5, 'active.connections': -1, 'queue.items': -3 });
    await client.close();
  });

  it('timers: a measured duration in milliseconds', async () => {
    const client = httpClient();
    {
      await using pipe = client.pipeline();
      const start = performance.now();
      // ... perform operation ...
      await new Promise<void>((resolve) => setImmediate(resolve));
      const durationMs = performance.now() - start;
      pipe.time('operation.duration', durationMs);
    }
    const timer = server.snapshot().timers['operation.duration'];
    expect(timer?.count).toBe(1);
    expect(timer?.sum).toBeGreaterThan(0);
    await client.close();
  });

  it('gauges: each update sets the value, it does not accumulate', async () => {
    const client = httpClient();
    {
      await using pipe = client.pipeline();
      pipe.gauge('temperature.celsius', 23.5);
      pipe.gauge('memory.usage.percent', 67.8);
      pipe.gauge('active.users', 142);
      pipe.gauge('active.users', 140);
    }
    expect(server.snapshot().gauges).toEqual({ 'temperature.celsius': 23.5, 'memory.usage.percent': 67.8, 'active.users': 140 });
    await client.close();
  });

  it('histograms: the distribution of values', async () => {
    const client = httpClient();
    {
      await using pipe = client.pipeline();
      pipe.hist('request.size.bytes', 1024);
      pipe.hist('response.size.bytes', 2048);
      pipe.hist('response.size.bytes', 512);
    }
    expect(server.snapshot().histograms).toEqual({
      'request.size.bytes': { count: 1, sum: 1024, min: 1024, max: 1024 },
      'response.size.bytes': { count: 2, sum: 2560, min: 512, max: 2048 },
    });
    await client.close();
  });

  it('Pipeline Context Manager: one HTTP request for every metric of the block, counter increments aggregated', async () => {
    const requests: string[] = [];
    const client = httpClient();
    {
      await using pipe = client.pipeline();
      pipe.incr('counter1');
      pipe.incr('counter1');
      pipe.time('timer1', 100);
      pipe.gauge('gauge1', 50);
      requests.push(`before exit: ${server.snapshot().server.batchesAccepted}`);
    } // HTTP request is sent here
    requests.push(`after exit: ${server.snapshot().server.batchesAccepted}`);
    expect(requests).toEqual(['before exit: 0', 'after exit: 1']);
    expect(server.snapshot().counters).toEqual({ counter1: 2 });
    await client.close();
  });
});

describe('Protocol Support', () => {
  it('UDP client (legacy): StatsD lines in a datagram, no secret', async () => {
    const udp = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const datagram = once(udp, 'message') as Promise<[Buffer]>;
    // UdpClient(host='metrics.example.com', port=8125, secret=None)
    const client = new StatsClient({ protocol: 'udp', destHost: '127.0.0.1', destPort: udp.address().port });
    {
      await using pipe = client.pipeline();
      pipe.incr('requests', 2);
      pipe.gauge('active.connections', 42);
      pipe.time('response.time', 125);
    }
    const [bytes] = await datagram;
    expect(bytes.toString('utf8').split('\n').sort()).toEqual(['active.connections:42|g', 'requests:2|c', 'response.time:125|ms']);
    await client.close();
    udp.close();
  });

  it('TCP client (legacy): StatsD lines over a connection, no secret', async () => {
    let received = '';
    let gotThree!: () => void;
    const three = new Promise<void>((resolve) => (gotThree = resolve));
    const tcpServer = createServer((socket: Socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        if (received.split('\n').filter(Boolean).length >= 3) gotThree();
      });
    });
    await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
    // TcpClient(host='metrics.example.com', port=8125, secret=None)
    const client = new StatsClient({ protocol: 'tcp', destHost: '127.0.0.1', destPort: (tcpServer.address() as AddressInfo).port });
    {
      await using pipe = client.pipeline();
      pipe.incr('requests');
      pipe.decr('queue.size', 3);
      pipe.hist('request.size', 1024);
    }
    await three;
    // Etsy statsd (the default flavour) has no histogram type: a histogram goes as a timer, `|ms`.
    expect(received.split('\n').filter(Boolean).sort()).toEqual(['queue.size:-3|c', 'request.size:1024|ms', 'requests:1|c']);
    await client.close();
    tcpServer.close();
  });

  it('WebSocket client: the same signed batches as HTTP, over one connection', async () => {
    // WsClient(host='metrics.example.com', port=443, secret='key'): experimental in the seed, supported here.
    const client = new StatsClient({
      protocol: 'ws',
      destHost: '127.0.0.1',
      destPort: server.address().port,
      secret: SECRET,
      flushIntervalMs: 0,
    });
    {
      await using pipe = client.pipeline();
      pipe.incr('counter');
      pipe.time('duration', 100);
    }
    expect(server.snapshot().counters).toEqual({ counter: 1 });
    expect(server.snapshot().timers).toEqual({ duration: { count: 1, sum: 100, min: 100, max: 100 } });
    await client.close();
  });
});

describe('Best Practices', () => {
  it('direct calls on the client are buffered and sent together, not one request each', async () => {
    const client = httpClient();
    client.incr('counter'); // no separate request
    client.time('duration', 100); // nor another one
    expect(server.snapshot().server.batchesAccepted).toBe(0);
    await client.flush();
    expect(server.snapshot().server.batchesAccepted).toBe(1);
    expect(server.snapshot().counters).toEqual({ counter: 1 });
    await client.close();
  });

  it('Set a Prefix: every metric is sent as myapp.<name>', async () => {
    const client = httpClient({ prefix: 'myapp' });
    {
      await using pipe = client.pipeline();
      pipe.incr('requests'); // Sent as 'myapp.requests'
    }
    expect(server.snapshot().counters).toEqual({ 'myapp.requests': 1 });
    await client.close();
  });

  it('Handle Errors Gracefully: a failed submission is logged, not raised', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const client = new StatsClient({ protocol: 'http', destPort: port, secret: SECRET, flushIntervalMs: 0, maxRetries: 0 });
    await expect(
      client.pipeline((pipe) => {
        pipe.incr('counter');
      }),
    ).resolves.toBeUndefined(); // Even if metrics submission fails, your app continues
    expect(logged.some((r) => r.logger === 'sightline.stats' && (r.level === 'warn' || r.level === 'error'))).toBe(true);
    await client.close();
  });
});

describe('Examples', () => {
  it('Web Application Metrics: success and error paths, the error counted by its type name', async () => {
    const client = httpClient({ prefix: 'webapp' });
    class ValidationError extends Error {}
    const processRequest = (request: { method: string; body: string }) => {
      if (request.body === '') throw new ValidationError('empty body');
      return { body: request.body.toUpperCase() };
    };

    async function handleRequest(request: { method: string; body: string }) {
      const start = performance.now();
      {
        await using pipe = client.pipeline();
        pipe.incr('requests.total');
        pipe.incr(`requests.method.${request.method}`);
      }
      try {
        const response = processRequest(request);
        {
          await using pipe = client.pipeline();
          pipe.incr('requests.success');
          pipe.time('response.time', performance.now() - start);
          pipe.hist('response.size', response.body.length);
        }
        return response;
      } catch (e) {
        {
          await using pipe = client.pipeline();
          pipe.incr('requests.error');
          pipe.incr(`requests.error.${(e as Error).constructor.name}`);
        }
        throw e;
      }
    }

    await expect(handleRequest({ method: 'POST', body: 'hello' })).resolves.toEqual({ body: 'HELLO' });
    await expect(handleRequest({ method: 'GET', body: '' })).rejects.toThrow(ValidationError);
    const snap = server.snapshot();
    expect(snap.counters).toEqual({
      'webapp.requests.total': 2,
      'webapp.requests.method.POST': 1,
      'webapp.requests.method.GET': 1,
      'webapp.requests.success': 1,
      'webapp.requests.error': 1,
      'webapp.requests.error.ValidationError': 1,
    });
    expect(snap.histograms['webapp.response.size']).toEqual({ count: 1, sum: 5, min: 5, max: 5 });
    await client.close();
  });

  it('Background Job Metrics and Database Query Metrics', async () => {
    const client = httpClient();
    const queue = ['a', 'b', 'c'];
    async function processJob(job: { items: number }) {
      {
        await using pipe = client.pipeline();
        pipe.incr('jobs.started');
        pipe.gauge('jobs.queue.size', queue.length);
      }
      const start = performance.now();
      const result = { itemCount: job.items };
      {
        await using pipe = client.pipeline();
        pipe.incr('jobs.completed');
        pipe.time('jobs.duration', performance.now() - start);
        pipe.hist('jobs.items.processed', result.itemCount);
      }
      return result;
    }
    async function executeQuery(query: { table: string; rows: number }) {
      {
        await using pipe = client.pipeline();
        pipe.incr('db.queries.total');
        pipe.incr(`db.queries.${query.table}`);
      }
      const start = performance.now();
      const result = Array.from({ length: query.rows }, (_, i) => i);
      {
        await using pipe = client.pipeline();
        pipe.time('db.query.duration', performance.now() - start);
        pipe.hist('db.rows.returned', result.length);
      }
      return result;
    }
    await processJob({ items: 7 });
    await executeQuery({ table: 'users', rows: 3 });
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ 'jobs.started': 1, 'jobs.completed': 1, 'db.queries.total': 1, 'db.queries.users': 1 });
    expect(snap.gauges).toEqual({ 'jobs.queue.size': 3 });
    expect(snap.histograms['jobs.items.processed']).toEqual({ count: 1, sum: 7, min: 7, max: 7 });
    expect(snap.histograms['db.rows.returned']).toEqual({ count: 1, sum: 3, min: 3, max: 3 });
    expect(Object.keys(snap.timers).sort()).toEqual(['db.query.duration', 'jobs.duration']);
    await client.close();
  });
});

describe('Troubleshooting: Authentication Errors', () => {
  it('an HTTP client without a secret is refused when it is made', () => {
    expect(() => new StatsClient({ protocol: 'http', destHost: 'metrics.example.com', destPort: 443 })).toThrow(StatsConfigError);
    expect(() => new StatsClient({ protocol: 'http', destHost: 'metrics.example.com', destPort: 443 })).toThrow(/secret/);
  });

  it('a wrong secret: the server answers 401, the client logs it and carries on', async () => {
    const client = httpClient({ secret: 'not-the-secret' });
    await client.pipeline((pipe) => pipe.incr('denied'));
    expect(server.snapshot().server.batchesUnauthorized).toBe(1);
    expect(server.snapshot().counters).toEqual({});
    expect(logged.some((r) => r.logger === 'sightline.stats' && /401/.test(`${r.message} ${JSON.stringify(r.fields)}`))).toBe(true);
    await client.close();
  });
});
