// hot-shots' `timer` and `asyncTimer` wrappers, written once for the client, pipelines and child
// clients: each call of the wrapped function hands its duration in milliseconds to `record`.

/** `fn` wrapped so each call's duration (ms) goes to `record`; returns and throws what `fn` does. */
export function timeCalls<A extends unknown[], R>(fn: (...args: A) => R, record: (ms: number) => void): (...args: A) => R {
  return (...args: A): R => {
    const start = performance.now();
    try {
      return fn(...args);
    } finally {
      record(performance.now() - start);
    }
  };
}

/** `fn` wrapped so the time until each call's promise settles (ms) goes to `record`. */
export function timeAsyncCalls<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  record: (ms: number) => void,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const start = performance.now();
    try {
      return await fn(...args);
    } finally {
      record(performance.now() - start);
    }
  };
}
