/** The result of one health check. */
export interface HealthResult {
  readonly healthy: boolean;
  /** A short reason, shown in `/health/ready` when the check fails. */
  readonly message?: string;
  /** Extra figures for humans and the JSON `/metrics` fallback. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A dependency or condition the service needs to be ready (database, queue lag, memory...). */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<HealthResult>;
  /** Per-check timeout; the health server applies its default when absent. */
  readonly timeoutMs?: number;
  /** Checks marked critical: false are reported but do not turn readiness to 503. */
  readonly critical?: boolean;
}
