// Attribute maps as callers build them from optional values: `null` / `undefined` mean "absent" and are dropped.
import type { AttributeValue, Attributes } from '@opentelemetry/api';

/** Span or record attributes; `null` and `undefined` values are dropped. */
export type ScopeAttributes = Readonly<Record<string, AttributeValue | null | undefined>>;

/** Returns the map itself when nothing needs dropping (the common case allocates nothing). */
export function sanitizeAttributes(attributes: ScopeAttributes): Attributes {
  for (const key in attributes) {
    if (attributes[key] === null || attributes[key] === undefined) return dropAbsent(attributes);
  }
  return attributes as Attributes;
}

function dropAbsent(attributes: ScopeAttributes): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}
