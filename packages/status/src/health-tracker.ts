// Readiness as the page shows it: each check's latest status, duration and last error, and a
// bounded timeline of transitions, from the report of the server that runs the checks.
import type { ReadinessReport } from '@sightline/core';

export interface CheckView {
  readonly name: string;
  readonly status: 'pass' | 'fail';
  readonly critical: boolean;
  readonly durationMs: number;
  readonly message?: string;
  /** The last failure's message and when it was seen (ms since the epoch), kept after recovery. */
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  /** When the check entered its current status. */
  readonly since: number;
}

export interface Transition {
  readonly at: number;
  readonly check: string;
  readonly from: 'pass' | 'fail' | 'new';
  readonly to: 'pass' | 'fail';
  readonly message?: string;
}

export interface HealthView {
  readonly ready: boolean;
  readonly checks: readonly CheckView[];
  readonly transitions: readonly Transition[];
}

export class HealthTracker {
  readonly #checks = new Map<string, CheckView>();
  readonly #transitions: Transition[] = [];
  readonly #maxTransitions: number;
  #ready = true;
  #known = false;

  constructor(maxTransitions: number) {
    this.#maxTransitions = maxTransitions;
  }

  get known(): boolean {
    return this.#known;
  }

  record(report: ReadinessReport, now: number = Date.now()): void {
    this.#known = true;
    this.#ready = report.healthy;
    const seen = new Set<string>();
    for (const r of report.results) {
      seen.add(r.name);
      const status = r.healthy ? 'pass' : 'fail';
      const before = this.#checks.get(r.name);
      const next: { -readonly [K in keyof CheckView]: CheckView[K] } = {
        name: r.name,
        status,
        critical: r.critical,
        durationMs: r.durationMs,
        since: before && before.status === status ? before.since : now,
      };
      if (r.message !== undefined) next.message = r.message;
      if (status === 'fail') {
        next.lastError = r.message ?? 'unhealthy';
        next.lastErrorAt = now;
      } else if (before?.lastError !== undefined) {
        next.lastError = before.lastError;
        if (before.lastErrorAt !== undefined) next.lastErrorAt = before.lastErrorAt;
      }
      if (!before || before.status !== status) {
        const t: { -readonly [K in keyof Transition]: Transition[K] } = {
          at: now,
          check: r.name,
          from: before ? before.status : 'new',
          to: status,
        };
        if (r.message !== undefined) t.message = r.message;
        this.#transitions.push(t);
        if (this.#transitions.length > this.#maxTransitions) this.#transitions.shift();
      }
      this.#checks.set(r.name, next);
    }
    for (const name of this.#checks.keys()) if (!seen.has(name)) this.#checks.delete(name);
  }

  view(): HealthView {
    return { ready: this.#ready, checks: [...this.#checks.values()], transitions: [...this.#transitions] };
  }
}
