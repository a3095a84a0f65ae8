// Where the service stands for the probes: marked ready or not, started (once, for good), shutting
// down; and the readiness and startup checks that decide the rest.
import { getLogger, type HealthCheck } from '@sightline/core';
import { CheckAggregator, type CheckReport } from './check-aggregator.js';
import type { HealthConfig } from './options.js';
import type { NotReadyReason } from './responses.js';

const log = getLogger('sightline.health');

export class ProbeState {
  readonly checks: CheckAggregator;
  readonly startupChecks: CheckAggregator;
  #ready: boolean;
  #started = false;
  #shuttingDown = false;

  constructor(config: HealthConfig) {
    const timing = { cacheMs: config.cacheMs, checkTimeoutMs: config.checkTimeoutMs };
    this.checks = new CheckAggregator({ ...timing, checks: config.checks });
    this.startupChecks = new CheckAggregator({ ...timing, checks: config.startupChecks });
    this.#ready = config.ready;
    this.#latchIfStarted();
  }

  /** `markReady()` was called (and not undone by `markNotReady()`). */
  get ready(): boolean {
    return this.#ready;
  }

  /** Marked ready once and every startup check passed once: stays true. */
  get started(): boolean {
    return this.#started;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Started, ready and not shutting down: readiness is up to the checks. */
  get serving(): boolean {
    return this.#started && this.#ready && !this.#shuttingDown;
  }

  markReady(): void {
    if (this.#shuttingDown) {
      log.warn('markReady() ignored: the server is shutting down');
      return;
    }
    this.#ready = true;
    this.#latchIfStarted();
  }

  markNotReady(): void {
    this.#ready = false;
  }

  beginShutdown(): void {
    if (!this.#shuttingDown) log.info('shutting down: readiness answers 503 from now on');
    this.#shuttingDown = true;
  }

  addCheck(check: HealthCheck): void {
    this.checks.add(check);
  }

  /** Why readiness is 503 before the checks are asked, running the startup checks if need be. */
  async notReadyReason(): Promise<NotReadyReason | undefined> {
    if (this.#shuttingDown) return 'shutting_down';
    if (!this.#started) {
      if (this.startupChecks.size > 0) await this.evaluateStartup();
      if (!this.#started) return 'starting';
    }
    return this.#ready ? undefined : 'not_ready';
  }

  /** Runs the startup checks (cached) and latches `started` once they pass with `markReady()` called. */
  async evaluateStartup(): Promise<CheckReport> {
    const report = await this.startupChecks.run();
    if (!this.#started && this.#ready && report.healthy) this.#markStarted();
    return report;
  }

  /** What startup still waits for: `markReady`, then the failing startup checks. */
  waitingFor(report: CheckReport): string[] {
    const waiting = this.#ready ? [] : ['markReady'];
    waiting.push(...report.failed);
    return waiting;
  }

  /** With no startup checks, startup is just `markReady()`. */
  #latchIfStarted(): void {
    if (!this.#started && this.#ready && this.startupChecks.size === 0) this.#markStarted();
  }

  #markStarted(): void {
    this.#started = true;
    log.info('service started: readiness follows its checks from now on');
  }
}
