// Names a value in an error message: short, never the whole of a large object.

/**
 * A short, safe description of a value for an error message: its type and, for scalars, the value (long text
 * cut).
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    // Short arrays of plain values are shown whole: `[2,1]` says more than "an array of 2".
    if (value.every((v) => v === null || ['number', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length <= 20))) {
      const text = JSON.stringify(value);
      if (text.length <= 60) return text;
    }
    return `an array of ${value.length}`;
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    case 'object':
      return 'an object';
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return 'a value';
  }
}
