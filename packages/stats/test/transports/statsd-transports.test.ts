import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsClient, type Batch } from '../../src/index.js';
import { TcpTransport } from '../../src/transports/tcp-transport.js';
import { UdpTransport } from '../../src/transports/udp-transport.js';
import { captureLogs, udpListener, waitFor } from '../helpers.js';

const quick = { flushIntervalMs: 0, retryBaseMs: 5, retryMaxMs: 20 } as const;

async function streamListener(
  path?: string,
): Promise<{ port: number; data: () => string; close: () => Promise<void>; server: net.Server }> {
  let data = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => (data += d.toString()));
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => (path ? server.listen(path, () => r()) : server.listen(0, '127.0.0.1', () => r())));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    data: () => data,
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('udp transport (node:dgram)', () => {
  it('puts exactly these StatsD bytes on the wire', async () => {
    const listener = await udpListener();
    const client = new StatsClient({ ...quick, protocol: 'udp', destPort: listener.port, prefix: 'svc' });
    await client.pipeline((p) => {
      p.incr('hits', 3);
      p.gauge('depth', 7);
      p.time('db', 1.5);
      p.time('db', 2);
      p.hist('size', 512);
      p.incr('tagged', 1, { tags: { region: 'eu' } });
    });
    await client.flush();
    await waitFor(() => listener.packets.length === 1);
    expect(listener.packets).toEqual(['svc.hits:3|c\nsvc.tagged:1|c|#region:eu\nsvc.depth:7|g\nsvc.db:1.5|ms:2|ms\nsvc.size:512|ms']);
    await client.close();
    await listener.close();
  });

  it('packs 100,000 timer samples into datagrams no larger than maxPacketBytes and loses none', async () => {
    const listener = await udpListener();
    const client = new StatsClient({ ...quick, protocol: 'udp', destPort: listener.port, maxPacketBytes: 1432, maxBatchSize: 100_000 });
    await client.pipeline((p) => {
      for (let i = 0; i < 100_000; i++) p.time(`k${i % 10}`, i % 1000);
    });
    await client.flush();
    const count = () => listener.packets.reduce((n, p) => n + (p.match(/\|ms/g)?.length ?? 0), 0);
    await waitFor(() => count() === 100_000);
    expect(Math.max(...listener.packets.map((p) => Buffer.byteLength(p)))).toBeLessThanOrEqual(1432);
    expect(listener.packets.length).toBeLessThan(600);
    await client.close();
    await listener.close();
  });

  it('dogstatsd flavour sends histograms as |h with one type per line', async () => {
    const listener = await udpListener();
    const transport = new UdpTransport({ host: '127.0.0.1', port: listener.port, flavour: 'dogstatsd', writeTimeoutMs: 5000 });
    const batch: Batch = { seq: 1, metrics: [{ type: 'histogram', name: 'h', values: [1, 2, 3], tags: { a: 'b' } }], size: 3 };
    expect(await transport.send(batch)).toEqual({ ok: true });
    await waitFor(() => listener.packets.length === 1);
    expect(listener.packets).toEqual(['h:1:2:3|h|#a:b']);
    await transport.close();
    await listener.close();
  });
});

describe('tcp transport (node:net)', () => {
  it('writes newline-terminated lines on one connection', async () => {
    const listener = await streamListener();
    const client = new StatsClient({ ...quick, protocol: 'tcp', destPort: listener.port, flavour: 'telegraf' });
    client.incr('a', 1, { tags: { x: 'y' } });
    client.time('t', 5);
    await client.flush();
    client.gauge('g', 1);
    await client.flush();
    await waitFor(() => listener.data().endsWith('g:1|g\n'));
    expect(listener.data()).toBe('a,x=y:1|c\nt:5|ms\ng:1|g\n');
    await client.close();
    await listener.close();
  });

  it('a refused connection is a network error, retried; once the daemon listens the batch arrives', async () => {
    const logs = captureLogs();
    try {
      const probe = await streamListener();
      const port = probe.port;
      await probe.close();
      const transport = new TcpTransport({ host: '127.0.0.1', port, flavour: 'statsd', writeTimeoutMs: 5000 });
      const batch: Batch = { seq: 1, metrics: [{ type: 'counter', name: 'c', value: 1 }], size: 1 };
      const failed = await transport.send(batch);
      expect(failed.ok).toBe(false);
      expect(!failed.ok && failed.error.kind).toBe('network');
      expect(!failed.ok && failed.error.message).toMatch(new RegExp(`^tcp://127.0.0.1:${port}: `));
      const listener = await streamListener();
      const client = new StatsClient({ ...quick, protocol: 'tcp', destPort: listener.port });
      client.incr('c');
      await client.flush();
      await waitFor(() => listener.data() === 'c:1|c\n');
      await client.close();
      await transport.close();
      await listener.close();
    } finally {
      logs.restore();
    }
  });
});

describe('uds transport (node:net, Unix stream)', () => {
  it('writes StatsD lines to a Unix stream socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stats-uds-'));
    const path = join(dir, 'statsd.sock');
    const listener = await streamListener(path);
    const client = new StatsClient({ ...quick, protocol: 'uds', socketPath: path });
    expect(client.target).toBe(`unix://${path}`);
    client.incr('via.uds', 2);
    await client.flush();
    await waitFor(() => listener.data() === 'via.uds:2|c\n');
    await client.close();
    await listener.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
