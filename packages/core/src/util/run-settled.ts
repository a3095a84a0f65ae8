// Runs a function that may be sync or async and reports, once, how it ended: the one wrapper behind
// timed(), scopes, converter/queue timing, pipelines and instrumented handlers.
import { isPromiseLike } from './is-promise-like.js';

/**
 * Calls `fn()` and then `onSuccess()` when it returns (or its promise fulfils), or `onFailure(error)`
 * when it throws (or its promise rejects); exactly one of them, once. The caller gets `fn`'s value
 * or error unchanged: for a thenable, a promise that settles the same way after the callback ran.
 * The callbacks are the caller's: what they throw is not caught here.
 */
export function runSettled<T>(fn: () => T, onSuccess: () => void, onFailure: (error: unknown) => void): T {
  let result: T;
  try {
    result = fn();
  } catch (error) {
    onFailure(error);
    throw error;
  }
  if (!isPromiseLike(result)) {
    onSuccess();
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      onSuccess();
      return value;
    },
    (error: unknown) => {
      onFailure(error);
      throw error;
    },
  ) as T;
}
