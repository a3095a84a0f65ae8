// Reconnection delays: exponential backoff, capped, with jitter so a fleet of clients that lost the
// same server does not come back in lockstep.

export interface ReconnectOptions {
  /** Delay before the first reconnection attempt. Default 100 ms. */
  readonly initialDelayMs?: number;
  /** Cap on the delay between attempts. Default 30 000 ms. */
  readonly maxDelayMs?: number;
  /** Fraction of each delay that is randomised: the delay is drawn from [d * (1 - jitter), d]. Default 0.5. */
  readonly jitter?: number;
  /** Give up after this many failed attempts in a row. Default Infinity. */
  readonly maxAttempts?: number;
}

export type ResolvedReconnect = Required<ReconnectOptions>;

/**
 * The delay before reconnection attempt `attempt` (0 for the first): `initialDelayMs * 2^attempt`,
 * capped at `maxDelayMs`, then reduced by up to `jitter` of itself.
 */
export function backoffDelay(attempt: number, options: ResolvedReconnect, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 52));
  return Math.round(base * (1 - options.jitter * random()));
}
