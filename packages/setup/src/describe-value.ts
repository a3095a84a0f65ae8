// Names a bad value in an error message: short, and never the whole of a large object.

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    case 'object':
      return 'an object';
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    default:
      return `${typeof value} ${String(value)}`;
  }
}
