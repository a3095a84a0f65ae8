// Extra pages a plugin asks the health server to serve (the status page at /status): the server
// owns the port, the token and the readiness checks; the route owns its paths under `path`.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One check's latest outcome, as the server that runs the checks reports it. */
export interface ReadinessOutcome {
  /** The check's name. */
  readonly name: string;
  /** Whether the check passed. */
  readonly healthy: boolean;
  /** False for checks marked `critical: false`: reported, never turning readiness to 503. */
  readonly critical: boolean;
  /** Whether the check was cut short by its timeout (it then counts as failed). */
  readonly timedOut: boolean;
  /** What the check said, e.g. why it failed. */
  readonly message?: string;
  /** Figures the check attached, e.g. a lag by partition. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Wall time of the check, in whole milliseconds (the timeout when it timed out). */
  readonly durationMs: number;
}

/** The readiness checks' outcomes, as /health/ready reports them. */
export interface ReadinessReport {
  /** Every critical check passed (true when there are none). */
  readonly healthy: boolean;
  /** Names of the critical checks that failed, in registration order. */
  readonly failed: readonly string[];
  /** Every check's outcome, in registration order. */
  readonly results: readonly ReadinessOutcome[];
}

/** What the server mounting a route gives it. */
export interface RouteHost {
  /**
   * The readiness checks' report, as `/health/ready` computes it. A report younger than `maxAgeMs`
   * is reused (default: the server's own cache time); a run in progress is joined, never doubled.
   */
  readiness(maxAgeMs?: number): Promise<ReadinessReport>;
}

/**
 * A page a plugin asks the health server to serve next to /health and /metrics (e.g. the status page
 * at /status), on the server's port.
 */
export interface HttpRoute {
  /** A path prefix such as `/status`: the route gets that path and every path under `path + '/'`. */
  readonly path: string;
  /** `'metrics'`: behind the same token as `/metrics` when one is set. */
  readonly auth: 'metrics' | 'none';
  /** Serves one GET or HEAD request (the server answers other methods with 405). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Called once by the server that mounts the route. */
  attach?(host: RouteHost): void;
  /** Called when that server closes (end streams, stop timers). */
  detach?(): void;
}
