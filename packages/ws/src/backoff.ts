// Reconnection options; the delays themselves are core's backoffDelay (exponential, capped, jittered).

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
