// The one interface every transport implements; the client picks the implementation by protocol.
import type { Batch } from '../batch.js';
import type { StatsTransportError } from '../errors.js';

/** The outcome of one delivery attempt. Transports resolve; they do not throw. */
export type SendResult =
  | {
      readonly ok: true;
      /** Metrics the server applied and refused (http and ws report them; StatsD cannot). */
      readonly accepted?: number;
      /** Metrics the server refused on their own (http and ws report them). */
      readonly rejected?: number;
      /** When `rejected` is above 0: what the server said about them, for `onError` (the batch is not retried). */
      readonly refused?: StatsTransportError;
    }
  | { readonly ok: false; readonly error: StatsTransportError };

/**
 * How a client delivers batches; `StatsClientOptions.transport` takes a custom one (for tests,
 * `InMemoryTransport` from `@sightline/stats/testing`).
 */
export interface Transport {
  /** `http`, `ws`, `udp`, `tcp`, `uds`, or a custom name. */
  readonly protocol: string;
  /** Where batches go, for logs (never includes the secret). */
  readonly target: string;
  /** One attempt to deliver `batch`. The client retries retryable failures with backoff. */
  send(batch: Batch): Promise<SendResult>;
  /** Releases sockets; pending sends may fail after it. */
  close(): Promise<void>;
}
