// Metrics with prom-client's API that record nothing: what a disabled MetricsCollector hands out.
import type { Counter, Gauge, Histogram, Summary } from 'prom-client';

const noop = (): void => {};
const zeroTimer = (): number => 0;

/** What every no-op metric shares: its name, nothing to reset or remove, itself as every child. */
abstract class NoopMetric {
  protected abstract readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  reset = noop;
  remove = noop;

  startTimer(): () => number {
    return zeroTimer;
  }

  labels(): this {
    return this;
  }

  get(): never {
    // The shape of prom-client's get(); `type` is a string at runtime, an enum in its typings.
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: [], aggregator: 'sum' }) as never;
  }
}

export class NoopCounter<T extends string = string> extends NoopMetric implements Counter<T> {
  protected readonly type = 'counter';
  inc = noop;
}

export class NoopGauge<T extends string = string> extends NoopMetric implements Gauge<T> {
  protected readonly type = 'gauge';
  inc = noop;
  dec = noop;
  set = noop;
  setToCurrentTime = noop;
}

export class NoopHistogram<T extends string = string> extends NoopMetric implements Histogram<T> {
  protected readonly type = 'histogram';
  observe = noop;
  zero = noop;
}

export class NoopSummary<T extends string = string> extends NoopMetric implements Summary<T> {
  protected readonly type = 'summary';
  observe = noop;
}
