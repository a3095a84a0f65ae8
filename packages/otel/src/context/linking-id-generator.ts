// An IdGenerator that hands out an external trace id once, for the root span of a linked scope:
// that span then starts the given trace as a true root, with no invented parent.
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace';

export class LinkingIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  /** Set just before a synchronous `startSpan` and consumed by it. */
  pendingTraceId: string | undefined;

  generateTraceId(): string {
    const pending = this.pendingTraceId;
    if (pending !== undefined) {
      this.pendingTraceId = undefined;
      return pending;
    }
    return this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}
