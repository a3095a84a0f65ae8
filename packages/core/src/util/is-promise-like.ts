// The one thenable test: what a sync-or-async callback returned is awaited only when it has `then`.

/** True for a promise or any object or function with a callable `then` (a thenable). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}
