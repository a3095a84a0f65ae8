// Test doubles for users of @sightline/stats: an in-memory transport that records batches.
import type { StatsClientOptions } from './options.js';
import { StatsClient } from './stats-client.js';
import { InMemoryTransport } from './transports/in-memory-transport.js';

export { InMemoryTransport } from './transports/in-memory-transport.js';
export type { InMemoryTransportOptions } from './transports/in-memory-transport.js';

/**
 * A client writing to a fresh `InMemoryTransport`, with no flush timer (call `flush()`), no
 * secret needed and quick retries.
 */
export function createTestClient(options: Omit<StatsClientOptions, 'transport'> = {}): {
  client: StatsClient;
  transport: InMemoryTransport;
} {
  const transport = new InMemoryTransport();
  const client = new StatsClient({ flushIntervalMs: 0, retryBaseMs: 1, retryMaxMs: 5, protocol: 'udp', ...options, transport });
  return { client, transport };
}
