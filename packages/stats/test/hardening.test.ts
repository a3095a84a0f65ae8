// Regressions from the hardening reports: a tcp peer that never reads cannot hold flush() or
// close(); a batch given up is counted in the values it carried; uds errors name the real errno.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsClient, type StatsError } from '../src/index.js';
import { createTestClient } from '../src/testing.js';
import { captureLogs } from './helpers.js';

describe('a tcp peer that accepts and never reads', () => {
  it('fails the writes after timeoutMs, and close() resolves within closeTimeoutMs, counting what was not sent', async () => {
    const logs = captureLogs();
    const held: net.Socket[] = [];
    const server = net.createServer((socket) => {
      socket.pause(); // never reads: the kernel buffers fill, then writes stall
      held.push(socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const errors: StatsError[] = [];
    const client = new StatsClient({
      protocol: 'tcp',
      destPort: (server.address() as net.AddressInfo).port,
      flushIntervalMs: 0,
      timeoutMs: 300,
      maxRetries: 1000,
      retryBaseMs: 10,
      retryMaxMs: 20,
      closeTimeoutMs: 1500,
      onError: (e) => errors.push(e),
    });
    try {
      const long = 'x'.repeat(150);
      // The peer never reads: delivery never completes, and close() below is what bounds it.
      void client.pipeline((pipe) => {
        for (let i = 0; i < 120_000; i++) pipe.incr(`never.read.${long}.n${i}`);
      });
      // A close that never returns (the bug) fails this test at its timeout.
      await client.close();
      const s = client.stats();
      expect(s.sentValues).toBeLessThan(120_000);
      expect(s.sentValues + s.droppedValues + s.failedValues).toBe(120_000);
      expect(errors.some((e) => /ETIMEDOUT .*took no data for 300 ms/.test(e.message))).toBe(true);
      expect(logs.lines().some((l) => l.includes('took no data'))).toBe(true);
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      logs.restore();
    }
  }, 20_000);
});

describe('a batch given up after its retries', () => {
  it('is counted in the values it carried: 500 increments of one counter are 500 failed values', async () => {
    const logs = captureLogs();
    const { client, transport } = createTestClient({ maxRetries: 1 });
    transport.failWith('network');
    for (let i = 0; i < 500; i++) client.incr('hits');
    await client.flush();
    expect(client.stats()).toMatchObject({ failedBatches: 1, failedMetrics: 1, failedValues: 500, sentValues: 0 });
    await client.close();
    logs.restore();
  });
});

describe('closing during an outage', () => {
  it('drops what is left after closeTimeoutMs and says once, in values, what the outage cost', async () => {
    const logs = captureLogs();
    const { client, transport } = createTestClient({ maxRetries: 1_000_000, retryBaseMs: 5, retryMaxMs: 5, closeTimeoutMs: 100 });
    transport.failWith('network');
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 10; k++) client.incr(`n${k}`);
      void client.flush();
    }
    await client.close();
    const s = client.stats();
    expect(s).toMatchObject({ sentValues: 0, droppedValues: 40, failedValues: 10 });
    expect(logs.lines().filter((l) => l.includes('values were dropped during the outage'))).toEqual([
      'warn sightline.stats: stats client closed while delivery to memory:// was failing; 40 values were dropped during the outage',
    ]);
    logs.restore();
  });
});

describe('uds errors show the real errno', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uds-errno-'));
  const file = join(dir, 'regular-file');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'a-directory'));
  it.each([
    ['a missing path', join(dir, 'missing.sock'), 'ENOENT'],
    ['a regular file', file, 'ECONNREFUSED'],
    ['a directory', join(dir, 'a-directory'), 'ECONNREFUSED'],
  ])('%s: %s', async (_what, socketPath, code) => {
    const logs = captureLogs();
    const errors: StatsError[] = [];
    const client = new StatsClient({ protocol: 'uds', socketPath, flushIntervalMs: 0, maxRetries: 0, onError: (e) => errors.push(e) });
    client.incr('x');
    await client.flush();
    expect(errors[0]?.message).toContain(`${code} `);
    expect(errors[0]?.message).not.toContain('ERR_SOCKET_CLOSED_BEFORE_CONNECTION');
    await client.close();
    logs.restore();
  });
});
