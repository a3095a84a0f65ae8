// What a metric name and its tags may be: the batch rule (what a server accepts) and the stricter
// rule for tags that must also survive a StatsD line (what the client lets through).
import { describeValue } from '@sightline/core/internal';
import { isPlainObject } from './is-plain-object.js';
import type { Tags } from './metric.js';

/** A letter or `_`, then letters, digits, `_ . -`; a client's prefix is part of the name. */
export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** The longest metric name accepted, in characters: 200. */
export const MAX_METRIC_NAME_LENGTH = 200;
/** The most tags one metric may carry: 64. */
export const MAX_TAGS = 64;
/** A batch id: what `newBatchId()` makes (a UUID) or any 8 to 64 URL-safe characters. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** StatsD's separators: a tag value holding one would split or corrupt a line. */
const STATSD_FORBIDDEN = /[|,#\n\r]/;

/**
 * Whether `name` is a metric name the protocol accepts: at most 200 characters matching {@link
 * METRIC_NAME_PATTERN}.
 */
export function isValidMetricName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_METRIC_NAME_LENGTH && METRIC_NAME_PATTERN.test(name);
}

/** The expected form, for messages. */
export const METRIC_NAME_FORM = `a string of at most ${MAX_METRIC_NAME_LENGTH} characters matching ${METRIC_NAME_PATTERN}`;

/**
 * A batch's tags: an object of at most 64 non-empty keys with string values. Returns a copy without
 * a prototype (so a tag named `__proto__` is a tag like any other), or what is wrong.
 */
export function parseTags(raw: unknown): Tags | string {
  if (!isPlainObject(raw)) return `"tags" must be an object of string values, got ${describeValue(raw)}`;
  const keys = Object.keys(raw);
  if (keys.length > MAX_TAGS) return `"tags" has ${keys.length} entries, at most ${MAX_TAGS} allowed`;
  const tags = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    const value = raw[key];
    if (key === '') return `"tags" has an empty key`;
    if (typeof value !== 'string') return `tag ${JSON.stringify(key)} must be a string, got ${describeValue(value)}`;
    tags[key] = value;
  }
  return tags;
}

/**
 * Tags that are valid in a batch and in a StatsD line: keys follow the name pattern, values hold
 * none of `| , #` or a newline. Returns what is wrong, or undefined.
 */
export function checkStatsdSafeTags(raw: unknown): string | undefined {
  const tags = parseTags(raw);
  if (typeof tags === 'string') return tags;
  for (const key of Object.keys(tags)) {
    if (!METRIC_NAME_PATTERN.test(key)) return `tag key ${JSON.stringify(key)} must match ${METRIC_NAME_PATTERN}`;
    const value = tags[key]!;
    if (STATSD_FORBIDDEN.test(value)) return `tag ${key} value ${JSON.stringify(value)} must not contain | , # or a newline`;
  }
  return undefined;
}
