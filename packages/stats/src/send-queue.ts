// The bounded queue between the client and its transport: one batch in flight, retried with
// exponential backoff while the failure is retryable. The queue is bounded in memory (bytes) and
// batches. A pipeline's batches wait for room while the receiver keeps pace (nothing lost in a
// burst); batches from direct calls never wait. While the receiver is failing, or past the bound,
// the oldest waiting batch is dropped and counted in values, so an outage costs bounded memory.
import { batchBytes, splitBatch, type Batch } from './batch.js';
import { StatsTransportError } from './errors.js';
import type { Transport } from './transports/transport.js';
import { backoffDelay, errorText } from '@sightline/core/internal';

export interface SendQueueOptions {
  readonly maxQueuedBatches: number;
  readonly maxQueuedBytes: number;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/** Delivery counts, shared with the client's `stats()`. Metrics are records, values are calls and samples. */
export interface DeliveryCounts {
  sentBatches: number;
  sentMetrics: number;
  sentValues: number;
  droppedBatches: number;
  droppedMetrics: number;
  droppedValues: number;
  failedBatches: number;
  failedMetrics: number;
  failedValues: number;
  retries: number;
  rejectedMetrics: number;
}

export interface DeliveryEvents {
  /** A batch was delivered (the server answered 2xx / the socket took it); `refused`: some of its metrics were not. */
  delivered(batch: Batch, rejected: number, refused?: StatsTransportError): void;
  /** An attempt failed, a batch was given up, or one was dropped from a full queue. */
  failed(error: StatsTransportError, batch: Batch, attempt: number): void;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
}

export class SendQueue {
  private queue: Batch[] = [];
  private queuedBytes = 0;
  /** Pipeline batches waiting for room (the pipeline's own memory, not yet the queue's). */
  private waiting: Batch[] = [];
  private inFlight: Batch | undefined;
  private pumping = false;
  private scheduled = false;
  private waiters: Waiter[] = [];
  private closed = false;
  /** Set by `abandon()`: a batch being retried is given up at its next failure. */
  private abandoned = false;
  /** True from a failed attempt until the next delivery: nothing waits for room meanwhile. */
  private failing = false;
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: SendQueueOptions,
    private readonly counts: DeliveryCounts,
    private readonly events: DeliveryEvents,
  ) {}

  /** Batches waiting or in flight. */
  get length(): number {
    return this.queue.length + this.waiting.length + (this.inFlight ? 1 : 0);
  }

  /** Estimated bytes held by the queue (not counting pipelines waiting for room). */
  get bytes(): number {
    return this.queuedBytes;
  }

  /**
   * Queues a batch; sending starts on a later turn of the event loop, never in the caller's.
   * `wait`: the batch waits for room instead of pushing the oldest out, while the receiver is up.
   */
  push(batch: Batch, wait = false): void {
    if (this.closed) {
      this.drop(batch, 'the client is closed');
      return;
    }
    if (wait && !this.failing && (this.waiting.length > 0 || !this.hasRoom(batch))) this.waiting.push(batch);
    else this.admit(batch);
    this.schedule();
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

  /** Drops (and counts) everything not yet delivered, and stops retrying: for a close past its bound. */
  abandon(why: string): void {
    this.closed = true;
    this.abandoned = true;
    for (const b of [...this.waiting, ...this.queue]) this.drop(b, why, false);
    this.waiting = [];
    this.queue = [];
    this.queuedBytes = 0;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer.timer);
      this.retryTimer.resolve();
    }
    this.settleWaiters();
  }

  private hasRoom(batch: Batch): boolean {
    if (this.queue.length === 0) return true;
    return this.queue.length < this.options.maxQueuedBatches && this.queuedBytes + batchBytes(batch) <= this.options.maxQueuedBytes;
  }

  /** Into the queue, pushing the oldest out past the bound. */
  private admit(batch: Batch): void {
    while (!this.hasRoom(batch)) {
      const oldest = this.queue.shift()!;
      this.queuedBytes -= batchBytes(oldest);
      this.drop(
        oldest,
        `the queue is full (maxQueuedBytes ${this.options.maxQueuedBytes}, maxQueuedBatches ${this.options.maxQueuedBatches})`,
      );
    }
    this.queue.push(batch);
    this.queuedBytes += batchBytes(batch);
  }

  /** Moves waiting batches into the queue: as room frees, or all at once (drop-oldest) while failing. */
  private admitWaiting(): void {
    while (this.waiting.length > 0 && (this.failing || this.hasRoom(this.waiting[0]!))) this.admit(this.waiting.shift()!);
  }

  private schedule(): void {
    if (this.pumping || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private drop(batch: Batch, why: string, settle = true): void {
    this.counts.droppedBatches++;
    this.counts.droppedMetrics += batch.metrics.length;
    this.counts.droppedValues += batch.size;
    this.events.failed(
      new StatsTransportError('dropped', `batch of ${batch.metrics.length} metrics (${batch.size} values) dropped: ${why}`),
      batch,
      0,
    );
    if (settle) this.settleWaiters();
  }

  private minPendingSeq(): number {
    let min = this.inFlight?.seq ?? Number.POSITIVE_INFINITY;
    for (const b of this.queue) if (b.seq < min) min = b.seq;
    for (const b of this.waiting) if (b.seq < min) min = b.seq;
    return min;
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
        this.admitWaiting();
        const batch = this.queue.shift();
        if (batch === undefined) break;
        this.queuedBytes -= batchBytes(batch);
        this.inFlight = batch;
        this.admitWaiting();
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
        result = { ok: false as const, error: new StatsTransportError('network', `send failed: ${errorText(cause)}`, { cause }) };
      }
      if (result.ok) {
        this.failing = false;
        this.counts.sentBatches++;
        this.counts.sentMetrics += batch.metrics.length;
        this.counts.sentValues += batch.size;
        this.counts.rejectedMetrics += result.rejected ?? 0;
        this.events.delivered(batch, result.rejected ?? 0, result.refused);
        return;
      }
      if (result.error.kind === 'too-large') {
        const halves = splitBatch(batch);
        if (halves) {
          // Both halves go next, ahead of the queue and outside its bound: they were already in it.
          this.queue.unshift(...halves);
          this.queuedBytes += batchBytes(halves[0]) + batchBytes(halves[1]);
          return;
        }
      }
      this.events.failed(result.error, batch, attempt);
      if (result.error.retryable && !this.failing) {
        this.failing = true;
        this.admitWaiting();
      }
      if (!result.error.retryable || attempt >= this.options.maxRetries || this.abandoned) {
        this.counts.failedBatches++;
        this.counts.failedMetrics += batch.metrics.length;
        this.counts.failedValues += batch.size;
        if (result.error.retryable) {
          this.events.failed(
            new StatsTransportError(
              'gave-up',
              `batch of ${batch.metrics.length} metrics (${batch.size} values) given up after ${attempt + 1} attempts: ${result.error.message}`,
              {
                cause: result.error,
              },
            ),
            batch,
            attempt,
          );
        }
        return;
      }
      this.counts.retries++;
      const delay = backoffDelay(attempt, { initialDelayMs: this.options.retryBaseMs, maxDelayMs: this.options.retryMaxMs, jitter: 0.5 });
      await new Promise<void>((resolve) => {
        this.retryTimer = { timer: setTimeout(resolve, delay), resolve };
      });
      this.retryTimer = undefined;
    }
  }
}
