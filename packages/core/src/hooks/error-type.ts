/**
 * A short, low-cardinality name for a thrown value, used as `errorType` in `onError`:
 * the error's `name`, or its class name when a subclass left `name` as plain "Error".
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) {
    if (error.name && error.name !== 'Error') return error.name;
    const ctor = (error as { constructor?: { name?: string } }).constructor?.name;
    return ctor || 'Error';
  }
  if (error === null) return 'null';
  return typeof error;
}
