// The process's memory as a HealthMonitor reads it: Node's figures plus V8's heap limit, the point
// where the process dies, so "how full" is heap used over that limit.
import { getHeapStatistics } from 'node:v8';

/** A memory reading; `heapLimit` is V8's heap size limit, the point where the process dies. */
export interface MemorySample {
  /** Resident set size, in bytes. */
  readonly rss: number;
  /** V8 heap used, in bytes. */
  readonly heapUsed: number;
  /** V8 heap allocated, in bytes. */
  readonly heapTotal: number;
  /** V8 heap size limit, in bytes. */
  readonly heapLimit: number;
  /** Memory of C++ objects bound to JavaScript, in bytes. */
  readonly external: number;
}

/** This process's memory now: `process.memoryUsage()` and V8's heap limit. */
export function processMemory(): MemorySample {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    heapLimit: getHeapStatistics().heap_size_limit,
    external: m.external,
  };
}
