// The pure half of readiness: runs HealthChecks concurrently, each under its own timeout, and caches
// the report for a short time. Knows nothing about HTTP; the handler serialises what it returns.
import { getLogger, type HealthCheck, type HealthResult, type ReadinessOutcome, type ReadinessReport } from '@sightline/core';
import { errorText, errorType, settleWithin } from '@sightline/core/internal';
import { boundedMessage, safeDetails } from './check-details.js';
import { validateCheck } from './check-list.js';
import { HealthConfigError } from './errors.js';

const log = getLogger('sightline.health.checks');

/** One check's outcome in a report (core's `ReadinessOutcome`, which routes such as /status read). */
export type CheckOutcome = ReadinessOutcome;

/** What a run of the checks reports (core's `ReadinessReport`). */
export type CheckReport = ReadinessReport;

/** What a `CheckAggregator` runs and how: the handler gives its resolved options. */
export interface CheckAggregatorOptions {
  readonly checks?: readonly HealthCheck[];
  /** Reuse a report for this long, in ms. 0 runs the checks on every call. */
  readonly cacheMs: number;
  /** Timeout of a check that sets none itself, in ms. */
  readonly checkTimeoutMs: number;
}

const EMPTY_REPORT: CheckReport = Object.freeze({ healthy: true, failed: Object.freeze([]), results: Object.freeze([]) });

/**
 * Calls checks, joining a call still running from an earlier round instead of calling again: a
 * dependency that hangs is not sent one more request per probe.
 */
export class CheckCalls {
  readonly #running = new WeakMap<HealthCheck, Promise<HealthResult>>();

  call(check: HealthCheck): Promise<HealthResult> {
    const running = this.#running.get(check);
    if (running) return running;
    // A check that throws synchronously rejects like one that rejects.
    const promise = new Promise<HealthResult>((resolve) => resolve(check.check()));
    this.#running.set(check, promise);
    const clear = () => {
      if (this.#running.get(check) === promise) this.#running.delete(check);
    };
    promise.then(clear, clear);
    return promise;
  }
}

function outcomeOf(check: HealthCheck, critical: boolean, result: HealthResult, durationMs: number): CheckOutcome {
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
}

/** Runs one check under `timeoutMs` (the check's own `timeoutMs` wins). Never rejects. */
export async function runCheck(check: HealthCheck, defaultTimeoutMs: number, calls: CheckCalls = new CheckCalls()): Promise<CheckOutcome> {
  const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
  const critical = check.critical !== false;
  const started = performance.now();
  try {
    const settled = await settleWithin(calls.call(check), timeoutMs);
    if (settled.timedOut) {
      return {
        name: check.name,
        healthy: false,
        critical,
        timedOut: true,
        message: `timed out after ${timeoutMs}ms`,
        durationMs: timeoutMs,
      };
    }
    return outcomeOf(check, critical, settled.value, Math.round(performance.now() - started));
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
  }
}

/** Runs every check concurrently and reports them together. Never rejects. */
export async function runChecks(
  checks: readonly HealthCheck[],
  defaultTimeoutMs: number,
  calls: CheckCalls = new CheckCalls(),
): Promise<CheckReport> {
  if (checks.length === 0) return EMPTY_REPORT;
  const results = await Promise.all(checks.map((c) => runCheck(c, defaultTimeoutMs, calls)));
  const failed = results.filter((r) => r.critical && !r.healthy).map((r) => r.name);
  return Object.freeze({ healthy: failed.length === 0, failed: Object.freeze(failed), results: Object.freeze(results) });
}

/** A set of checks whose report is cached for `cacheMs`; concurrent callers share one run. */
export class CheckAggregator {
  readonly #checks = new Map<string, HealthCheck>();
  readonly #cacheMs: number;
  readonly #timeoutMs: number;
  readonly #calls = new CheckCalls();
  #report: CheckReport | undefined;
  #reportAt = 0;
  #inflight: Promise<CheckReport> | undefined;
  // Bumped when the set of checks changes, so a run started before the change is not cached.
  #generation = 0;
  // Last outcome per check, so failures are logged when they start and end, not on every probe.
  readonly #lastHealthy = new Map<string, boolean>();

  constructor(options: CheckAggregatorOptions) {
    this.#cacheMs = options.cacheMs;
    this.#timeoutMs = options.checkTimeoutMs;
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

  /** The checks' names, in the order they were added. */
  get names(): readonly string[] {
    return [...this.#checks.keys()];
  }

  /** How many checks there are. */
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
    const inflight = runChecks([...this.#checks.values()], this.#timeoutMs, this.#calls).then((report) => {
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
