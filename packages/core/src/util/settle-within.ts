// The one timeout race: wait for work, but no longer than a bound, and always clear the timer.

/** How `settleWithin()` ended: the work's value, or the bound passed first. */
export type Settled<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true };

/**
 * Waits for `work` (a promise, or a function whose result is awaited; a synchronous throw becomes a
 * rejection) at most `ms` milliseconds. Resolves `{ timedOut: false, value }` when it settles in
 * time, rejects with its error when it fails in time, else resolves `{ timedOut: true }`: the work
 * goes on unobserved, so callers that abandon it should attach their own `catch`. The timer is
 * cleared either way; `unref` lets the process exit while waiting.
 */
export function settleWithin<T>(
  work: PromiseLike<T> | (() => T | PromiseLike<T>),
  ms: number,
  options: { readonly unref?: boolean } = {},
): Promise<Settled<T>> {
  const promise = typeof work === 'function' ? new Promise<T>((resolve) => resolve(work())) : Promise.resolve(work);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
    if (options.unref) timer.unref();
  });
  return Promise.race([promise.then((value): Settled<T> => ({ timedOut: false, value })), bound]).finally(() => clearTimeout(timer));
}

const TIMED_OUT: Settled<never> = Object.freeze({ timedOut: true });
