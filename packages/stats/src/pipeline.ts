// A pipeline: a private aggregation window sent as one batch when its block ends, as a Python
// statsd client's `with client.pipeline() as pipe:`. In TypeScript: a callback, `using` or
// `await using`; `send()` is the pipeline's own verb, not a lifecycle: it sends what was recorded.
import { MetricRecorder, type RecordChunk, type RecorderContext } from './metric-recorder.js';

/** Hands a pipeline's records to its client; resolves when they are delivered or given up. */
export type SubmitRecords = (chunks: readonly RecordChunk[]) => Promise<void>;

/**
 * A private aggregation window of a client, sent as one batch when it ends: `client.pipeline((pipe) => ...)`,
 * `using pipe = client.pipeline()` or `await using`.
 */
export class Pipeline extends MetricRecorder {
  /** Created by `client.pipeline()`. */
  constructor(
    ctx: RecorderContext,
    private readonly submit: SubmitRecords,
  ) {
    super(ctx);
  }

  /** Hands a full buffer to the client as a batch. */
  protected onFull(): void {
    // A pipeline larger than a batch sends its samples in batch-sized parts, so memory stays bounded;
    // its counters and gauges go once, when it ends.
    void this.submit(this.takeFull());
  }

  /**
   * Sends what was recorded as one batch (or a few, past `maxBatchSize`); resolves when delivered
   * or given up, and everything queued before it too. Never rejects.
   */
  send(): Promise<void> {
    return this.submit(this.isEmpty() ? [] : this.drain());
  }

  /** `using pipe = client.pipeline()`: sends when the block exits, without waiting. */
  [Symbol.dispose](): void {
    // Delivery is reported through the client (counted, logged, onError); nothing to wait for here.
    if (!this.isEmpty()) void this.submit(this.drain());
  }

  /** `await using pipe = client.pipeline()`: sends when the block exits and waits for delivery. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.send();
  }
}
