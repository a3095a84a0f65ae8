// The outage scenario, run against any server that can stop and come back on the same port: steady
// traffic, the server away for 3 s, then back. The client keeps at most `maxQueuedBytes` while it is
// away, delivers what it kept when it returns, counts what it dropped in values (delivered + dropped
// = recorded, exactly), logs the drops once per outage, and no call throws.
import { StatsClient, type Protocol } from '../../src/index.js';

export interface StoppableServer {
  readonly port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
  counter(name: string): Promise<number>;
  gauge(name: string): Promise<number | undefined>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function outageScenario(
  protocol: Extract<Protocol, 'http' | 'ws'>,
  server: StoppableServer,
  secret: string,
): Promise<StatsClient> {
  const maxQueuedBytes = 2048;
  const client = new StatsClient({
    protocol,
    destPort: server.port,
    secret,
    flushIntervalMs: 20,
    maxQueuedBytes,
    maxRetries: 10_000,
    retryBaseMs: 10,
    retryMaxMs: 40,
    timeoutMs: 500,
  });
  let recorded = 0;
  let maxBytes = 0;
  const traffic = async (ms: number): Promise<void> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      expect(() => client.incr('steady')).not.toThrow();
      recorded++;
      maxBytes = Math.max(maxBytes, client.stats().queuedBytes);
      await sleep(5);
    }
  };
  await traffic(300);
  await client.flush();
  expect(await server.counter('steady')).toBe(recorded);

  await server.stop();
  await traffic(3000);
  // Bounded while away: the queue never held more than its bound.
  expect(maxBytes).toBeLessThanOrEqual(maxQueuedBytes);
  expect(client.stats().droppedValues).toBeGreaterThan(0);

  await server.restart();
  await traffic(300);
  await client.flush();
  const s = client.stats();
  // Nothing lost without being counted: what arrived plus what was dropped is what was recorded.
  expect((await server.counter('steady')) + s.droppedValues).toBe(recorded);
  expect(s).toMatchObject({ failedValues: 0, queuedBatches: 0, sentValues: recorded - s.droppedValues });
  return client;
}
