// The pure half of readiness: runs HealthChecks concurrently, each under its own timeout, and caches
// the report for a short time. Knows nothing about HTTP; the handler serialises what it returns.
import { getLogger, type HealthCheck, type HealthResult, type ReadinessOutcome, type ReadinessReport } from '@sightline/core';
import { errorText, errorType, opt, validateOptions, type Shape } from '@sightline/core/internal';
import { boundedMessage, safeDetails } from './check-details.js';
import { validateCheck } from './config.js';

const CHECK_AGGREGATOR_SHAPE: Shape = Object.freeze({
  checks: opt.array(opt.any()),
  cacheMs: opt.integer({ min: 0 }),
  checkTimeoutMs: opt.integer({ min: 0 }),
});
import { HealthConfigError } from './errors.js';

const log = getLogger('sightline.health.checks');

/** One check's outcome in a report (core's `ReadinessOutcome`, which routes such as /status read). */
export type CheckOutcome = ReadinessOutcome;

/** What a run of the checks reports (core's `ReadinessReport`). */
export type CheckReport = ReadinessReport;

export interface CheckAggregatorOptions {
  readonly checks?: readonly HealthCheck[];
  /** Reuse a report for this long, in ms. 0 runs the checks on every call. */
  readonly cacheMs?: number;
  /** Timeout of a check that sets none itself, in ms. */
  readonly checkTimeoutMs?: number;
}

const EMPTY_REPORT: CheckReport = Object.freeze({ healthy: true, failed: Object.freeze([]), results: Object.freeze([]) });

// A check still running from an earlier round is joined, not called again: a dependency that hangs
// is not sent one more request per probe.
const pending = new WeakMap<HealthCheck, Promise<HealthResult>>();

function invoke(check: HealthCheck): Promise<HealthResult> {
  const running = pending.get(check);
  if (running) return running;
  let promise: Promise<HealthResult>;
  try {
    promise = Promise.resolve(check.check());
  } catch (error) {
    promise = Promise.reject(error);
  }
  pending.set(check, promise);
  const clear = () => {
    if (pending.get(check) === promise) pending.delete(check);
  };
  promise.then(clear, clear);
  return promise;
}

/** Runs one check under `timeoutMs` (the check's own `timeoutMs` wins). Never rejects. */
export async function runCheck(check: HealthCheck, defaultTimeoutMs: number): Promise<CheckOutcome> {
  const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
  const critical = check.critical !== false;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'timeout');
  });
  try {
    const result = await Promise.race([invoke(check), timeout]);
    const durationMs = Math.round(performance.now() - started);
    if (result === 'timeout') {
      return {
        name: check.name,
        healthy: false,
        critical,
        timedOut: true,
        message: `timed out after ${timeoutMs}ms`,
        durationMs: timeoutMs,
      };
    }
    if (typeof result !== 'object' || result === null || typeof result.healthy !== 'boolean') {
      return {
        name: check.name,
        healthy: false,
        critical,
        timedOut: false,
        message: 'returned an invalid result (expected { healthy: boolean })',
        durationMs,
      };
    }
    const outcome: { -readonly [K in keyof CheckOutcome]: CheckOutcome[K] } = {
      name: check.name,
      healthy: result.healthy,
      critical,
      timedOut: false,
      durationMs,
    };
    if (typeof result.message === 'string') outcome.message = boundedMessage(result.message);
    if (result.details !== undefined && typeof result.details === 'object' && result.details !== null)
      outcome.details = safeDetails(result.details);
    return outcome;
  } catch (error) {
    // The error's text may carry a connection string: only its type is reported (the text at debug).
    const type = errorType(error);
    log.debug('health check threw', { check: check.name, errorType: type, error: errorText(error) });
    return {
      name: check.name,
      healthy: false,
      critical,
      timedOut: false,
      message: `threw ${type}`,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently and reports them together. Never rejects. */
export async function runChecks(checks: readonly HealthCheck[], defaultTimeoutMs: number): Promise<CheckReport> {
  if (checks.length === 0) return EMPTY_REPORT;
  const results = await Promise.all(checks.map((c) => runCheck(c, defaultTimeoutMs)));
  const failed = results.filter((r) => r.critical && !r.healthy).map((r) => r.name);
  return Object.freeze({ healthy: failed.length === 0, failed: Object.freeze(failed), results: Object.freeze(results) });
}

/** A set of checks whose report is cached for `cacheMs`; concurrent callers share one run. */
export class CheckAggregator {
  readonly #checks = new Map<string, HealthCheck>();
  readonly #cacheMs: number;
  readonly #timeoutMs: number;
  #report: CheckReport | undefined;
  #reportAt = 0;
  #inflight: Promise<CheckReport> | undefined;
  // Bumped when the set of checks changes, so a run started before the change is not cached.
  #generation = 0;
  // Last outcome per check, so failures are logged when they start and end, not on every probe.
  readonly #lastHealthy = new Map<string, boolean>();

  constructor(options: CheckAggregatorOptions = {}) {
    validateOptions(CHECK_AGGREGATOR_SHAPE, options, {
      source: 'new CheckAggregator()',
      error: (message, details) => new HealthConfigError(message, details),
    });
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#timeoutMs = options.checkTimeoutMs ?? 1000;
    for (const check of options.checks ?? []) this.add(check);
  }

  /** Registers a check; its name must be unique among this aggregator's checks. */
  add(check: HealthCheck): void {
    validateCheck(check, 'check');
    if (this.#checks.has(check.name)) {
      throw new HealthConfigError(`a check named "${check.name}" is already registered: names must be unique`);
    }
    this.#checks.set(check.name, check);
    this.invalidate();
  }

  /** Removes the check called `name`; false when there was none. */
  remove(name: string): boolean {
    const removed = this.#checks.delete(name);
    this.#lastHealthy.delete(name);
    if (removed) this.invalidate();
    return removed;
  }

  #logTransitions(report: CheckReport): void {
    for (const r of report.results) {
      const before = this.#lastHealthy.get(r.name);
      if (before === r.healthy) continue;
      this.#lastHealthy.set(r.name, r.healthy);
      if (!r.healthy) log.warn('health check failing', { check: r.name, critical: r.critical, reason: r.message ?? 'unhealthy' });
      else if (before === false) log.info('health check passing again', { check: r.name });
    }
  }

  get names(): readonly string[] {
    return [...this.#checks.keys()];
  }

  get size(): number {
    return this.#checks.size;
  }

  /** Drops the cached report: the next `run()` runs the checks. */
  invalidate(): void {
    this.#report = undefined;
    this.#inflight = undefined;
    this.#generation++;
  }

  /** The cached report while it is fresh (younger than `maxAgeMs`), without running anything. */
  cached(now: number = performance.now(), maxAgeMs: number = this.#cacheMs): CheckReport | undefined {
    if (this.#checks.size === 0) return EMPTY_REPORT;
    if (this.#report !== undefined && now - this.#reportAt < maxAgeMs) return this.#report;
    return undefined;
  }

  /**
   * The cached report when younger than `maxAgeMs` (default `cacheMs`), or the report of a new run
   * (shared with concurrent callers).
   */
  run(maxAgeMs: number = this.#cacheMs): Promise<CheckReport> {
    const cached = this.cached(performance.now(), maxAgeMs);
    if (cached) return Promise.resolve(cached);
    if (this.#inflight) return this.#inflight;
    const generation = this.#generation;
    const inflight = runChecks([...this.#checks.values()], this.#timeoutMs).then((report) => {
      if (this.#inflight === inflight) this.#inflight = undefined;
      this.#logTransitions(report);
      if (generation === this.#generation) {
        this.#report = report;
        this.#reportAt = performance.now();
      }
      return report;
    });
    this.#inflight = inflight;
    return inflight;
  }
}
