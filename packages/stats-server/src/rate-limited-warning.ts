// Logs a recurring problem at most once per interval, saying how many were not logged in between.
import type { Logger } from '@sightline/core';

export class RateLimitedWarning {
  private lastLoggedAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  warn(message: string, fields: Readonly<Record<string, unknown>>): void {
    const t = this.now();
    if (t - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.lastLoggedAt = t;
    this.logger.warn(message, suppressed > 0 ? { ...fields, suppressed } : fields);
  }
}
