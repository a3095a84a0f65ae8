// Metrics with prom-client's API that record nothing: what a disabled MetricsCollector hands out.
import type { Counter, Gauge, Histogram, Summary } from 'prom-client';

const noop = (): void => {};
const zeroTimer = (): number => 0;
const emptyGet = (name: string, help: string, type: string) =>
  // The shape of prom-client's get(); `type` is a string at runtime, an enum in its typings.
  Promise.resolve({ name, help, type, values: [], aggregator: 'sum' }) as never;

export class NoopCounter<T extends string = string> implements Counter<T> {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc = noop;
  reset = noop;
  remove = noop;
  labels(): Counter.Internal {
    return this;
  }
  get(): ReturnType<Counter<T>['get']> {
    return emptyGet(this.name, this.help, 'counter');
  }
}

export class NoopGauge<T extends string = string> implements Gauge<T> {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc = noop;
  dec = noop;
  set = noop;
  setToCurrentTime = noop;
  reset = noop;
  remove = noop;
  startTimer(): () => number {
    return zeroTimer;
  }
  labels(): Gauge.Internal<T> {
    return this;
  }
  get(): ReturnType<Gauge<T>['get']> {
    return emptyGet(this.name, this.help, 'gauge');
  }
}

export class NoopHistogram<T extends string = string> implements Histogram<T> {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe = noop;
  reset = noop;
  remove = noop;
  zero = noop;
  startTimer(): () => number {
    return zeroTimer;
  }
  labels(): Histogram.Internal<T> {
    return this;
  }
  get(): ReturnType<Histogram<T>['get']> {
    return emptyGet(this.name, this.help, 'histogram');
  }
}

export class NoopSummary<T extends string = string> implements Summary<T> {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe = noop;
  reset = noop;
  remove = noop;
  startTimer(): () => number {
    return zeroTimer;
  }
  labels(): Summary.Internal<T> {
    return this;
  }
  get(): ReturnType<Summary<T>['get']> {
    return emptyGet(this.name, this.help, 'summary');
  }
}
