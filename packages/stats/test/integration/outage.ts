// The outage scenario, run against any server that can stop and come back on the same port:
// the client keeps at most its bound while the server is away, delivers what it kept when the
// server returns, and reports what it dropped; no call throws.
import { StatsClient, type Protocol } from '../../src/index.js';

export interface StoppableServer {
  readonly port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
  counter(name: string): Promise<number>;
  gauge(name: string): Promise<number | undefined>;
}

export async function outageScenario(protocol: Extract<Protocol, 'http' | 'ws'>, server: StoppableServer, secret: string): Promise<void> {
  const client = new StatsClient({
    protocol,
    destPort: server.port,
    secret,
    flushIntervalMs: 0,
    maxQueuedBatches: 5,
    maxRetries: 10_000,
    retryBaseMs: 10,
    retryMaxMs: 40,
    timeoutMs: 500,
  });
  client.incr('before');
  await client.flush();
  expect(await server.counter('before')).toBe(1);

  await server.stop();
  let maxQueued = 0;
  for (let i = 0; i < 20; i++) {
    expect(() => {
      client.incr('outage');
      client.gauge('outage.last', i);
    }).not.toThrow();
    void client.flush();
    await new Promise((r) => setTimeout(r, 5));
    maxQueued = Math.max(maxQueued, client.stats().queuedBatches);
  }
  // One batch in flight (retrying) plus maxQueuedBatches waiting, never more.
  expect(maxQueued).toBe(6);
  expect(client.stats()).toMatchObject({ droppedBatches: 14, droppedMetrics: 28, queuedBatches: 6, sentBatches: 1 });

  await server.restart();
  await client.flush();
  // Kept: the batch in flight when the server went away (outage 0) and the last five (15..19).
  expect(await server.counter('outage')).toBe(6);
  expect(await server.gauge('outage.last')).toBe(19);
  expect(client.stats()).toMatchObject({ sentBatches: 7, droppedBatches: 14, failedBatches: 0, queuedBatches: 0 });
  await client.close();
}
