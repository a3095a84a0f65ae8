import { toDispatcher } from './dispatcher.js';
import { errorType } from './error-type.js';
import type { MetricsHooks } from './metrics-hooks.js';
import { runSettled } from '../util/run-settled.js';

/**
 * Runs `fn` (sync or async) and reports it: `onRequest(op, seconds)` when it succeeds,
 * `onError(op, errorType)` when it throws or rejects, after which the error is rethrown unchanged.
 */
export function timed<T>(hooks: MetricsHooks | undefined, op: string, fn: () => T): T {
  const dispatch = toDispatcher(hooks);
  const start = performance.now();
  return runSettled(
    fn,
    () => dispatch.onRequest(op, (performance.now() - start) / 1000),
    (error) => dispatch.onError(op, errorType(error)),
  );
}
