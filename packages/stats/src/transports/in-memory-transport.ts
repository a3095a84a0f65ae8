// A transport that keeps every batch in memory, for tests: yours (through `./testing`) and ours.
import { encodeBatch } from '@sightline/stats-protocol';
import type { Batch, MetricRecord } from '../batch.js';
import { StatsTransportError, type StatsTransportErrorKind } from '../errors.js';
import type { SendResult, Transport } from './transport.js';

/** Options of `new InMemoryTransport(options)`. */
export interface InMemoryTransportOptions {
  /** Fail every send with this kind until `failWith(undefined)`. */
  readonly failWith?: StatsTransportErrorKind;
}

/**
 * A transport that keeps every delivered batch in memory, for tests: read back counters, gauges and samples
 * by name, or make sends fail on purpose.
 */
export class InMemoryTransport implements Transport {
  /** Always `memory`. */
  readonly protocol = 'memory';
  /** Always `memory://`. */
  readonly target = 'memory://';
  /** Delivered batches, in order. */
  readonly batches: Batch[] = [];
  /** Every attempt, delivered or not. */
  attempts = 0;
  /** True once `close()` was called. */
  closed = false;
  private failure: StatsTransportErrorKind | undefined;

  /** Creates an empty transport that delivers every batch, unless `options.failWith` says otherwise. */
  constructor(options: InMemoryTransportOptions = {}) {
    this.failure = options.failWith;
  }

  /** Makes later sends fail with `kind` (network and server are retried), or succeed again. */
  failWith(kind: StatsTransportErrorKind | undefined): void {
    this.failure = kind;
  }

  /** Keeps `batch` (or fails with the kind set by `failWith`). */
  send(batch: Batch): Promise<SendResult> {
    return Promise.resolve(this.attempt(batch));
  }

  private attempt(batch: Batch): SendResult {
    this.attempts++;
    if (this.failure !== undefined) {
      const status = this.failure === 'auth' ? 401 : this.failure === 'server' ? 503 : this.failure === 'rejected' ? 400 : undefined;
      return {
        ok: false,
        error: new StatsTransportError(
          this.failure,
          `memory transport told to fail (${this.failure})`,
          status === undefined ? {} : { status },
        ),
      };
    }
    this.batches.push(batch);
    return { ok: true, accepted: batch.metrics.length, rejected: 0 };
  }

  /** Marks the transport closed; kept batches stay readable. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Every delivered record, in order. */
  get metrics(): MetricRecord[] {
    return this.batches.flatMap((b) => b.metrics);
  }

  /** Sum of every delivered counter with this (prefixed) name, across batches and tags. */
  counter(name: string): number {
    return this.metrics.reduce((sum, m) => (m.type === 'counter' && m.name === name ? sum + m.value : sum), 0);
  }

  /** The last delivered value of a gauge. */
  gauge(name: string): number | undefined {
    let last: number | undefined;
    for (const m of this.metrics) if (m.type === 'gauge' && m.name === name) last = m.value;
    return last;
  }

  /** Every delivered sample of a timer or histogram, in order. */
  samples(name: string): number[] {
    return this.metrics.flatMap((m) => ((m.type === 'timer' || m.type === 'histogram') && m.name === name ? m.values : []));
  }

  /** The JSON bodies the http and ws transports would have sent. */
  bodies(): string[] {
    return this.batches.map((b) => encodeBatch(b.metrics));
  }

  /** Forgets every batch and attempt. */
  clear(): void {
    this.batches.length = 0;
    this.attempts = 0;
  }
}
