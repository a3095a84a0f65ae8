// The bounded queue between the client and its transport: one batch in flight, retried with
// exponential backoff while the failure is retryable, the oldest waiting batch dropped (and counted)
// when the queue is full, so a server that goes away costs bounded memory.
import type { Batch } from './batch.js';
import { StatsTransportError } from './errors.js';
import type { Transport } from './transports/transport.js';
import { backoffDelay } from '@sightline/core';

export interface SendQueueOptions {
  readonly maxQueuedBatches: number;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/** Delivery counts, shared with the client's `stats()`. */
export interface DeliveryCounts {
  sentBatches: number;
  sentMetrics: number;
  droppedBatches: number;
  droppedMetrics: number;
  failedBatches: number;
  failedMetrics: number;
  retries: number;
  rejectedMetrics: number;
}

export interface DeliveryEvents {
  /** A batch was delivered (the server answered 2xx / the socket took it). */
  delivered(batch: Batch, rejected: number): void;
  /** An attempt failed, a batch was given up, or one was dropped from a full queue. */
  failed(error: StatsTransportError, batch: Batch, attempt: number): void;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
}

export class SendQueue {
  private readonly queue: Batch[] = [];
  private inFlight: Batch | undefined;
  private pumping = false;
  private scheduled = false;
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: SendQueueOptions,
    private readonly counts: DeliveryCounts,
    private readonly events: DeliveryEvents,
  ) {}

  get length(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** Queues a batch; sending starts on a later turn of the event loop, never in the caller's. */
  push(batch: Batch): void {
    if (this.closed) {
      this.drop(batch, 'the client is closed');
      return;
    }
    if (this.queue.length >= this.options.maxQueuedBatches) {
      this.drop(this.queue.shift()!, `the queue is full (maxQueuedBatches ${this.options.maxQueuedBatches})`);
    }
    this.queue.push(batch);
    if (!this.pumping && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.pump();
      });
    }
  }

  /** Resolves when every batch up to `seq` is delivered, failed or dropped. */
  settled(seq: number): Promise<void> {
    if (seq < this.minPendingSeq()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Refuses further batches (they are dropped and counted). */
  close(): void {
    this.closed = true;
  }

  private drop(batch: Batch, why: string): void {
    this.counts.droppedBatches++;
    this.counts.droppedMetrics += batch.metrics.length;
    this.events.failed(new StatsTransportError('dropped', `batch of ${batch.metrics.length} metrics dropped: ${why}`), batch, 0);
    this.settleWaiters();
  }

  private minPendingSeq(): number {
    return this.inFlight?.seq ?? this.queue[0]?.seq ?? Number.POSITIVE_INFINITY;
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const min = this.minPendingSeq();
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq < min) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const batch = this.queue.shift();
        if (batch === undefined) break;
        this.inFlight = batch;
        await this.deliver(batch);
        this.inFlight = undefined;
        this.settleWaiters();
      }
    } finally {
      this.inFlight = undefined;
      this.pumping = false;
      this.settleWaiters();
    }
  }

  private async deliver(batch: Batch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let result;
      try {
        result = await this.transport.send(batch);
      } catch (cause) {
        result = { ok: false as const, error: new StatsTransportError('network', `send failed: ${(cause as Error)?.message ?? String(cause)}`, { cause }) };
      }
      if (result.ok) {
        this.counts.sentBatches++;
        this.counts.sentMetrics += batch.metrics.length;
        this.counts.rejectedMetrics += result.rejected ?? 0;
        this.events.delivered(batch, result.rejected ?? 0);
        return;
      }
      this.events.failed(result.error, batch, attempt);
      if (!result.error.retryable || attempt >= this.options.maxRetries) {
        this.counts.failedBatches++;
        this.counts.failedMetrics += batch.metrics.length;
        if (result.error.retryable) {
          this.events.failed(
            new StatsTransportError('gave-up', `batch of ${batch.metrics.length} metrics given up after ${attempt + 1} attempts: ${result.error.message}`, {
              cause: result.error,
            }),
            batch,
            attempt,
          );
        }
        return;
      }
      this.counts.retries++;
      const delay = backoffDelay(attempt, { initialDelayMs: this.options.retryBaseMs, maxDelayMs: this.options.retryMaxMs, jitter: 0.5 });
      await new Promise<void>((resolve) => setTimeout(resolve, delay));
    }
  }
}
