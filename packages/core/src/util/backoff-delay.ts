// Retry and reconnection delays: exponential, capped, with jitter so a fleet of clients that lost
// the same server does not come back in lockstep.

export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  readonly initialDelayMs: number;
  /** Cap on any delay, in milliseconds. */
  readonly maxDelayMs: number;
  /** Fraction of each delay that is randomised: the delay is drawn from [d * (1 - jitter), d]. */
  readonly jitter: number;
}

/**
 * The delay before attempt `attempt` (0 for the first): `initialDelayMs * 2^attempt`, capped at
 * `maxDelayMs`, then reduced by up to `jitter` of itself (`random()` in [0, 1): 0 keeps it whole).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(Math.max(attempt, 0), 52));
  return Math.round(base * (1 - options.jitter * random()));
}
