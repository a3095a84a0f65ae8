/** The result of one health check. */
export interface HealthResult {
  /** Whether the check passed. */
  readonly healthy: boolean;
  /** A short reason, shown in `/health/ready` when the check fails. */
  readonly message?: string;
  /** Extra figures for humans and the JSON `/metrics` fallback. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A dependency or condition the service needs to be ready (database, queue lag, memory...). */
export interface HealthCheck {
  /** The check's name, unique among the checks; shown in reports. */
  readonly name: string;
  /** Runs the check; a rejection counts as unhealthy, with the error's message. */
  check(): Promise<HealthResult>;
  /** Per-check timeout; the health server applies its default when absent. */
  readonly timeoutMs?: number;
  /** Checks marked critical: false are reported but do not turn readiness to 503. */
  readonly critical?: boolean;
}
