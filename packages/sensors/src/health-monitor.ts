// HealthMonitor: a Monitor that judges what it sees (consumer lag, send error rate, memory, stalled
// processing), alerts once per transition into each unhealthy condition, and exposes a core HealthCheck.
import { getLogger, type HealthCheck, type HealthResult } from '@sightline/core';
import { errorText, type ResolvedOf, type Shape } from '@sightline/core/internal';
import { SensorConfigError } from './errors.js';
import { isOffset, Monitor } from './monitor.js';
import { HEALTH_MONITOR_SHAPE, type HealthMonitorOptions } from './options.js';
import type { MemorySample } from './process-memory.js';

const log = getLogger('sightline.sensors.health');

/** A ratio for a message: at most four decimals, so 0.1 + 0.2 reads 0.3. */
const ratioText = (r: number): string => String(Number(r.toFixed(4)));

/** The unhealthy conditions a HealthMonitor watches. */
export type HealthCondition = 'lag' | 'errors' | 'memory' | 'stalled';

/** Every condition a HealthMonitor watches: lag, errors, memory and stalled. */
export const HEALTH_CONDITIONS: readonly HealthCondition[] = Object.freeze(['lag', 'errors', 'memory', 'stalled'] as const);

/** What `onAlert` receives when a condition turns unhealthy. */
export interface HealthAlert {
  /** The condition that turned unhealthy. */
  readonly condition: HealthCondition;
  /** One line for a human: `consumer lag 1500 on orders/3 exceeds 1000`. */
  readonly message: string;
  /** Figures behind the alert, e.g. the lag by partition. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** The memory figures of a health report. */
export interface MemoryUsageReport extends Readonly<Record<string, number | boolean>> {
  /** Resident set size, in bytes. */
  readonly rss: number;
  /** V8 heap used, in bytes. */
  readonly heap_used: number;
  /** V8 heap allocated, in bytes. */
  readonly heap_total: number;
  /** V8 heap size limit, in bytes. */
  readonly heap_limit: number;
  /** Memory of C++ objects bound to JavaScript, in bytes. */
  readonly external: number;
  /** `heap_used / heap_limit`, 0..1. */
  readonly ratio: number;
  /** Whether `ratio` is below `memoryThresholdRatio`. */
  readonly healthy: boolean;
}

/** What `getHealthReport()` returns: the verdict, the conditions, and the figures behind them. */
export interface HealthReport extends Readonly<Record<string, unknown>> {
  /** Whether every condition is healthy. */
  readonly healthy: boolean;
  /** One line per unhealthy condition. */
  readonly issues: readonly string[];
  /** Each condition, true when unhealthy. */
  readonly conditions: Readonly<Record<HealthCondition, boolean>>;
  /** Consumer lag by topic-partition, in messages. */
  readonly consumer_lag: Readonly<Record<string, number>>;
  /** The largest consumer lag, in messages. */
  readonly max_lag: number;
  /** Send errors over finished sends in the last `errorRateWindowMs`, from 0 to 1. */
  readonly error_rate: number;
  /** The memory figures. */
  readonly memory: MemoryUsageReport;
  /** Events finished per second, over the rate window. */
  readonly events_per_second: number;
  /** Milliseconds since events were last seen moving (null when the stalled check is off). */
  readonly idle_ms: number | null;
  /** When the report was made, in seconds since the epoch (wall clock), as Faust's `time.time()`. */
  readonly timestamp: number;
  /** Seconds since the monitor was created (monotonic clock). */
  readonly uptime: number;
}

/**
 * A Monitor that also answers "is this consumer healthy?". Checks run when asked (`isHealthy()`,
 * `getHealthReport()`, the HealthCheck) and every `checkIntervalMs` after `start()`; each turns a
 * condition unhealthy or healthy again, and a turn to unhealthy alerts once.
 */
export class HealthMonitor extends Monitor {
  /** The options shape, for core's options rule (used by the plugin). */
  static override readonly optionsShape: Shape = HEALTH_MONITOR_SHAPE;

  /** Option `lagThreshold`, resolved: the consumer lag, in messages, past which lag is unhealthy. */
  readonly lagThreshold: number;
  /** Option `errorRateThreshold`, resolved: the send error rate, from 0 to 1, past which the service is unhealthy. */
  readonly errorRateThreshold: number;
  /** Option `errorRateWindowMs`, resolved, in milliseconds. */
  readonly errorRateWindowMs: number;
  /** Option `checkIntervalMs`, resolved, in milliseconds. */
  readonly checkIntervalMs: number;
  /** Option `memoryThresholdRatio`, resolved: heap used over heap limit past which memory is unhealthy. */
  readonly memoryThresholdRatio: number;
  /** Option `stalledAfterMs`, resolved, in milliseconds; undefined when stall detection is off. */
  readonly stalledAfterMs: number | undefined;
  /** A core HealthCheck that runs every check: wire it into a health server's readiness. */
  readonly healthCheck: HealthCheck;

  private readonly onAlert: ((alert: HealthAlert) => void) | undefined;
  private readonly memoryUsage: () => MemorySample;
  private readonly unhealthy: Record<HealthCondition, boolean> = { lag: false, errors: false, memory: false, stalled: false };
  private alertsCount = 0;
  private lastProgressTotal = 0;
  private lastProgressAt: number;
  private readonly createdAt: number;
  private checker: ReturnType<typeof setInterval> | undefined;

  constructor(options: HealthMonitorOptions = {}) {
    super(options);
    const o = this.resolvedOptions as ResolvedOf<typeof HEALTH_MONITOR_SHAPE>;
    this.lagThreshold = o.lagThreshold;
    this.errorRateThreshold = o.errorRateThreshold;
    // Its default depends on the rate window: the largest window the snapshots cover, up to a minute.
    this.errorRateWindowMs = o.errorRateWindowMs ?? Math.min(60_000, this.rateWindowMs);
    if (this.errorRateWindowMs > this.rateWindowMs) {
      throw new SensorConfigError(
        `invalid option \`errorRateWindowMs\` in new HealthMonitor(): expected at most maxAvgHistory * sampleIntervalMs = ${this.rateWindowMs}, got ${this.errorRateWindowMs}`,
        { kind: 'invalid', option: 'errorRateWindowMs', source: 'new HealthMonitor()', value: this.errorRateWindowMs },
      );
    }
    this.checkIntervalMs = o.checkIntervalMs;
    this.memoryThresholdRatio = o.memoryThresholdRatio;
    this.stalledAfterMs = o.stalledAfterMs;
    this.onAlert = o.onAlert;
    this.memoryUsage = o.memoryUsage;
    this.lastProgressAt = this.clock.now();
    this.createdAt = this.lastProgressAt;

    this.healthCheck = {
      name: o.name,
      critical: o.critical,
      // A check that throws becomes a rejection, which a health server counts as unhealthy.
      check: () => new Promise<HealthResult>((resolve) => resolve(this.healthResult())),
    };
  }

  private healthResult(): HealthResult {
    const report = this.getHealthReport();
    return report.healthy ? { healthy: true, details: report } : { healthy: false, message: report.issues.join('; '), details: report };
  }

  /** Records a partition's end offset (the offset the next produced message will get: Kafka's high watermark). */
  reportEndOffset(tp: string, offset: number): void {
    if (!isOffset(offset)) return this.invalidOffset('reportEndOffset', offset);
    this.statsFor(tp).endOffset = offset;
  }

  /**
   * Lag per partition: end offset minus the next offset to read (last read + 1), never below 0.
   * Partitions with no end offset reported, or none read yet, are left out: their lag is unknown.
   */
  checkConsumerLag(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [tp, s] of this.tpStats) {
      if (s.endOffset < 0 || s.lastReadOffset < 0) continue;
      out[tp] = Math.max(0, s.endOffset - (s.lastReadOffset + 1));
    }
    return out;
  }

  /** Send errors over finished sends in the last `errorRateWindowMs`, 0..1 (0 when nothing was sent). */
  checkErrorRate(): number {
    return this.sendErrorRatio(this.errorRateWindowMs);
  }

  /** The process's memory, and whether heap used over heap limit stays within `memoryThresholdRatio`. */
  checkMemoryUsage(): MemoryUsageReport {
    const m = this.memoryUsage();
    const ratio = m.heapLimit > 0 ? m.heapUsed / m.heapLimit : 0;
    return {
      rss: m.rss,
      heap_used: m.heapUsed,
      heap_total: m.heapTotal,
      heap_limit: m.heapLimit,
      external: m.external,
      ratio,
      healthy: ratio <= this.memoryThresholdRatio,
    };
  }

  /** Runs every check now; true when none is unhealthy. */
  isHealthy(): boolean {
    return this.getHealthReport().healthy;
  }

  /** Runs every check, updates each condition (alerting on a turn to unhealthy) and reports. */
  getHealthReport(): HealthReport {
    const now = this.nowForRead();
    const issues: string[] = [];

    const lag = this.checkConsumerLag();
    let maxLag = 0;
    let maxLagTp = '';
    for (const [tp, value] of Object.entries(lag)) {
      if (value > maxLag) {
        maxLag = value;
        maxLagTp = tp;
      }
    }
    const lagging = Object.entries(lag).filter(([, v]) => v > this.lagThreshold);
    const lagMessage = `consumer lag ${maxLag} on ${maxLagTp} exceeds ${this.lagThreshold}`;
    this.transition('lag', lagging.length > 0, lagMessage, { lag: Object.fromEntries(lagging), threshold: this.lagThreshold }, issues);

    const errorRate = this.checkErrorRate();
    this.transition(
      'errors',
      errorRate > this.errorRateThreshold,
      `send error rate ${ratioText(errorRate)} exceeds ${this.errorRateThreshold}`,
      { error_rate: errorRate, threshold: this.errorRateThreshold, window_ms: this.errorRateWindowMs },
      issues,
    );

    const memory = this.checkMemoryUsage();
    this.transition(
      'memory',
      !memory.healthy,
      `heap used ${memory.heap_used} is ${ratioText(memory.ratio)} of the limit ${memory.heap_limit}, above ${this.memoryThresholdRatio}`,
      { ...memory, threshold: this.memoryThresholdRatio },
      issues,
    );

    let idle: number | null = null;
    const progress = this.messagesReceivedCount + this.eventsCount;
    // A clock that stepped back restarts the idle count from now: idle time is never negative, and
    // a stall is still found `stalledAfterMs` later.
    if (progress !== this.lastProgressTotal || now < this.lastProgressAt) {
      this.lastProgressTotal = progress;
      this.lastProgressAt = now;
    }
    if (this.stalledAfterMs !== undefined) {
      idle = now - this.lastProgressAt;
      this.transition(
        'stalled',
        idle >= this.stalledAfterMs,
        `no messages or events for ${idle} ms (stalled after ${this.stalledAfterMs} ms)`,
        { idle_ms: idle, stalled_after_ms: this.stalledAfterMs },
        issues,
      );
    }

    return {
      healthy: issues.length === 0,
      issues,
      conditions: { ...this.unhealthy },
      consumer_lag: lag,
      max_lag: maxLag,
      error_rate: errorRate,
      memory,
      events_per_second: this.eventsPerSecond(),
      idle_ms: idle,
      timestamp: Date.now() / 1000,
      uptime: Math.max(0, now - this.createdAt) / 1000,
    };
  }

  private transition(
    condition: HealthCondition,
    bad: boolean,
    message: string,
    details: Readonly<Record<string, unknown>>,
    issues: string[],
  ): void {
    if (bad) issues.push(message);
    const was = this.unhealthy[condition];
    this.unhealthy[condition] = bad;
    if (bad && !was) this.alertOnUnhealthyCondition(condition, details, message);
    else if (!bad && was) log.info(`health condition ${condition} recovered`, { condition });
  }

  /**
   * Raises an alert: logs it at warn on `sightline.sensors.health` and calls `onAlert`. Called once
   * per transition into an unhealthy condition; call it yourself for conditions of your own.
   */
  alertOnUnhealthyCondition(
    condition: HealthCondition,
    details: Readonly<Record<string, unknown>>,
    message = `${condition} unhealthy`,
  ): void {
    this.alertsCount++;
    log.warn(`health alert: ${message}`, { condition });
    if (this.onAlert === undefined) return;
    try {
      this.onAlert({ condition, message, details });
    } catch (error) {
      log.warn('onAlert threw; suppressed', { condition, error: errorText(error) });
    }
  }

  /** Alerts raised so far. */
  alertsTotal(): number {
    return this.alertsCount;
  }

  /**
   * Starts the rate sampler and the periodic check, both on unref'd timers, until `close()`.
   * Calling it again, or after `close()`, does nothing.
   */
  override start(): Promise<void> {
    if (this.checker === undefined && !this.closed) {
      this.checker = setInterval(() => this.periodicCheck(), this.checkIntervalMs);
      this.checker.unref();
    }
    return super.start();
  }

  /** Stops the periodic check and the rate sampler; the figures stay readable. A second call returns the same promise. */
  override close(): Promise<void> {
    if (this.checker !== undefined) clearInterval(this.checker);
    this.checker = undefined;
    return super.close();
  }

  private periodicCheck(): void {
    try {
      this.getHealthReport();
    } catch (error) {
      log.warn('periodic health check failed', { error: errorText(error) });
    }
  }

  /** Monitor's figures plus `health`: the report of a fresh check. */
  override asDict(): Record<string, unknown> {
    return { ...super.asDict(), health: this.getHealthReport() };
  }
}
