import { connect, createServer } from 'node:net';
import { createStatsServer, statsServer, type StatsServer } from '../src/index.js';
import { captureLogs, postBatch, started, WsTestClient } from './helpers.js';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs('error');
});
afterEach(() => logs.restore());

describe('StatsServer lifecycle', () => {
  it('listens once started, reports its ports, and closes; a second start or close returns the same promise', async () => {
    const server = createStatsServer({ port: 0, secrets: 'k', statsd: { udpPort: 0, tcpPort: 0 } });
    expect(() => server.address()).toThrow('stats server is not listening: call start() first');
    const starting = server.start();
    expect(server.start()).toBe(starting);
    await starting;
    const a = server.address();
    expect(a.port).toBeGreaterThan(0);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
    expect(a.wsUrl).toBe(`ws://127.0.0.1:${a.port}/v1/ws`);
    expect(a.statsdUdpPort).toBeGreaterThan(0);
    expect(a.statsdTcpPort).toBeGreaterThan(0);
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    expect(() => server.address()).toThrow('not listening');
  });

  it('closes on leaving an `await using` block', async () => {
    let outer: StatsServer | undefined;
    {
      await using server = createStatsServer({ port: 0, secrets: 'k' });
      outer = server;
      const { url } = await started(server);
      expect((await postBatch(url, { v: 1, metrics: [] }, { secret: 'k' })).status).toBe(200);
    }
    expect(() => outer.address()).toThrow('not listening');
  });

  it('can start again after close, keeping what it received', async () => {
    const server = createStatsServer({ port: 0, secrets: 'k' });
    const first = await started(server);
    await postBatch(first.url, { v: 1, metrics: [{ type: 'counter', name: 'c', value: 2 }] }, { secret: 'k' });
    await server.close();
    const second = await started(server);
    await postBatch(second.url, { v: 1, metrics: [{ type: 'counter', name: 'c', value: 3 }] }, { secret: 'k' });
    expect(server.snapshot().counters).toEqual({ c: 5 });
    await server.close();
  });

  it('rejects start() when a port is taken, and closes what it had opened', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const server = createStatsServer({ port: 0, secrets: 'k', statsd: { tcpPort: taken } });
    await expect(server.start()).rejects.toThrow(/EADDRINUSE/);
    expect(() => server.address()).toThrow('not listening');
    await server.close();
    await new Promise((r) => blocker.close(r));
  });

  it('closes open WebSocket and TCP connections on close()', async () => {
    const server = createStatsServer({ port: 0, secrets: 'k', statsd: { tcpPort: 0 } });
    const a = await started(server);
    const ws = await WsTestClient.open(a.wsUrl);
    const tcp = connect(a.statsdTcpPort!, '127.0.0.1');
    await new Promise((r) => tcp.once('connect', r));
    const tcpClosed = new Promise((r) => tcp.once('close', r));
    tcp.resume();
    await server.close();
    expect((await ws.closed).code).toBe(1001);
    await tcpClosed;
  });
});

describe('statsServer() plugin', () => {
  it('is a core Plugin whose start and close start and close the server, with the server metrics', async () => {
    const plugin = statsServer({ port: 0, secrets: 'k' });
    expect(plugin.name).toBe('stats-server');
    expect(plugin.metrics).toBe(plugin.server.metrics);
    await plugin.start!({} as never);
    const { url } = plugin.server.address();
    await postBatch(url, { v: 1, metrics: [{ type: 'gauge', name: 'g', value: 4 }] }, { secret: 'k' });
    expect(await plugin.metrics.render()).toContain('\nstats_g 4\n');
    await plugin.close!();
    expect(() => plugin.server.address()).toThrow('not listening');
  });

  it('wraps a server you created', () => {
    const server: StatsServer = createStatsServer({ port: 0, secrets: 'k' });
    const plugin = statsServer(server);
    expect(plugin.server).toBe(server);
  });
});

describe('ingestStatsd', () => {
  it('applies lines in-process without listening, counting bad ones', () => {
    const server = createStatsServer({ secrets: 'k' });
    server.ingestStatsd('a:1|c\na:2|c|@0.5\nnope\nt:5|ms');
    expect(server.snapshot().counters).toEqual({ a: 5 });
    expect(server.snapshot().timers).toEqual({ t: { count: 1, sum: 5, min: 5, max: 5 } });
    expect(server.snapshot().server).toMatchObject({ statsdLines: 3, statsdBadLines: 1 });
  });
});
