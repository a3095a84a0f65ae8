// The process's own figures, read once per interval: event-loop delay (a histogram Node keeps),
// heap and RSS, GC time (a PerformanceObserver adding up GC pauses), CPU, the 1-minute load average.
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { SeriesMeta } from './charts.js';

const meta = (key: string, chart: string, label: string, unit: string): SeriesMeta => Object.freeze({ key, chart, label, unit });

const EL_P50 = meta('eventloop|p50', 'eventloop', 'p50', 'ms');
const EL_P99 = meta('eventloop|p99', 'eventloop', 'p99', 'ms');
const EL_MAX = meta('eventloop|max', 'eventloop', 'max', 'ms');
const HEAP = meta('memory|heap', 'memory', 'heap used', 'MB');
const RSS = meta('memory|rss', 'memory', 'RSS', 'MB');
const GC = meta('gc|time', 'gc', 'GC pause time', 'ms/s');
const CPU = meta('cpu|process', 'cpu', 'process', '%');
const LOAD = meta('load|1m', 'load', '1 min', '');

const MB = 1024 * 1024;

export class RuntimeSampler {
  readonly #loop: IntervalHistogram;
  readonly #gc: PerformanceObserver;
  #gcMs = 0;
  #cpu = process.cpuUsage();
  #at = performance.now();

  constructor() {
    this.#loop = monitorEventLoopDelay({ resolution: 10 });
    this.#loop.enable();
    this.#gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#gcMs += entry.duration;
    });
    this.#gc.observe({ entryTypes: ['gc'] });
  }

  /** The figures since the last call. */
  sample(out: Map<string, { meta: SeriesMeta; value: number }>): void {
    const now = performance.now();
    const elapsedMs = Math.max(1, now - this.#at);
    this.#at = now;
    const loop = this.#loop;
    if (loop.count > 0) {
      out.set(EL_P50.key, { meta: EL_P50, value: loop.percentile(50) / 1e6 });
      out.set(EL_P99.key, { meta: EL_P99, value: loop.percentile(99) / 1e6 });
      out.set(EL_MAX.key, { meta: EL_MAX, value: loop.max / 1e6 });
    }
    loop.reset();
    const memory = process.memoryUsage();
    out.set(HEAP.key, { meta: HEAP, value: memory.heapUsed / MB });
    out.set(RSS.key, { meta: RSS, value: memory.rss / MB });
    out.set(GC.key, { meta: GC, value: (this.#gcMs * 1000) / elapsedMs });
    this.#gcMs = 0;
    const cpu = process.cpuUsage(this.#cpu);
    this.#cpu = process.cpuUsage();
    out.set(CPU.key, { meta: CPU, value: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 });
    // The host's 1-minute load average (0 on Windows, which has none).
    out.set(LOAD.key, { meta: LOAD, value: loadavg()[0]! });
  }

  stop(): void {
    this.#loop.disable();
    this.#gc.disconnect();
  }
}
