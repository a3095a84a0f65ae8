// One rule for shutdown signals, for every process owner (setup, the standalone health server): the
// first signal starts the graceful stop, a second is logged and changes nothing (an impatient
// `kill` or a double Ctrl-C must not cut the stop short), a third exits at once. One Ctrl-C under a
// package runner (`npx pnpm demo`) arrives twice: the terminal signals the whole process group and
// the runner forwards its own copy. A repeat of the same signal within `SAME_DELIVERY_MS` is that
// echo, not a second press, and is not counted.
import { constants as osConstants } from 'node:os';
import type { Logger } from '../logging/logger.js';

/** Options of `handleShutdownSignals()`. */
export interface ShutdownSignalsOptions {
  /** The signals listened for, e.g. `['SIGTERM', 'SIGINT']`. */
  readonly signals: readonly NodeJS.Signals[];
  /** Where each signal received is logged. */
  readonly logger: Logger;
  /** The first signal: start the graceful stop. */
  readonly onSignal: (signal: NodeJS.Signals) => void;
  /** The third signal. Default: exit at once with 128 + the signal's number. */
  readonly onForce?: (signal: NodeJS.Signals) => void;
  /** The clock that tells an echo from a second press, in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
}

/** Repeats of one signal closer together than this are one delivery (a runner's forwarded copy). */
export const SAME_DELIVERY_MS = 250;

/** The conventional exit status of a process ended by `signal`: 128 + its number (143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  const n = (osConstants.signals as Record<string, number | undefined>)[signal];
  return n === undefined ? 1 : 128 + n;
}

/** Listens for `signals` with the rule above; returns a function that removes the listeners. */
export function handleShutdownSignals(options: ShutdownSignalsOptions): () => void {
  const { logger, onSignal } = options;
  const clock = options.now ?? (() => performance.now());
  const onForce = options.onForce ?? ((signal: NodeJS.Signals) => process.exit(signalExitCode(signal)));
  let received = 0;
  let last: { signal: NodeJS.Signals; at: number } | undefined;
  const listener = (signal: NodeJS.Signals): void => {
    const now = clock();
    if (last !== undefined && last.signal === signal && now - last.at < SAME_DELIVERY_MS) return;
    last = { signal, at: now };
    received++;
    if (received === 1) {
      logger.info(`${signal} received: stopping gracefully`, { signal });
      onSignal(signal);
    } else if (received === 2) {
      logger.warn(`${signal} received again while stopping gracefully: still stopping; a third signal exits at once`, { signal });
    } else {
      logger.error(`${signal} received a third time: exiting without finishing the graceful stop`, { signal });
      onForce(signal);
    }
  };
  const unique = [...new Set(options.signals)];
  for (const signal of unique) process.on(signal, listener);
  return () => {
    for (const signal of unique) process.off(signal, listener);
  };
}
