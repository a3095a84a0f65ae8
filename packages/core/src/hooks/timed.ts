import { toDispatcher } from './dispatcher.js';
import { errorType } from './error-type.js';
import type { MetricsHooks } from './metrics-hooks.js';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` (sync or async) and reports it: `onRequest(op, seconds)` when it succeeds,
 * `onError(op, errorType)` when it throws or rejects, after which the error is rethrown unchanged.
 */
export function timed<T>(hooks: MetricsHooks | undefined, op: string, fn: () => T): T {
  const dispatch = toDispatcher(hooks);
  const start = performance.now();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    dispatch.onError(op, errorType(error));
    throw error;
  }
  if (!isPromiseLike(result)) {
    dispatch.onRequest(op, (performance.now() - start) / 1000);
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      dispatch.onRequest(op, (performance.now() - start) / 1000);
      return value;
    },
    (error: unknown) => {
      dispatch.onError(op, errorType(error));
      throw error;
    },
  ) as T;
}
