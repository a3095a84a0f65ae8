// What a metric name and a tag look like on the wire (the stats protocol's name pattern).

/** The protocol's name pattern, prefix included: a letter or `_`, then letters, digits, `_ . -`. */
export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const MAX_METRIC_NAME_LENGTH = 200;

/** Tag keys follow the name pattern; values may be anything but the StatsD separators. */
const TAG_VALUE_FORBIDDEN = /[|,#\n\r]/;

export type Tags = Readonly<Record<string, string>>;

export function isValidMetricName(name: string): boolean {
  return name.length <= MAX_METRIC_NAME_LENGTH && METRIC_NAME_PATTERN.test(name);
}

/** Returns a problem description, or undefined when the tags are fine. */
export function checkTags(tags: unknown): string | undefined {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    return `tags must be an object of string values, got ${Array.isArray(tags) ? 'an array' : typeof tags}`;
  }
  for (const key of Object.keys(tags)) {
    const value = (tags as Record<string, unknown>)[key];
    if (!METRIC_NAME_PATTERN.test(key)) return `tag key ${JSON.stringify(key)} must match ${METRIC_NAME_PATTERN}`;
    if (typeof value !== 'string') return `tag ${key} must be a string, got ${typeof value}`;
    if (TAG_VALUE_FORBIDDEN.test(value)) return `tag ${key} value ${JSON.stringify(value)} must not contain | , # or a newline`;
  }
  return undefined;
}

/** A stable key for a tag set: sorted `k=v` pairs. */
export function tagsKey(tags: Tags): string {
  const keys = Object.keys(tags).sort();
  let out = '';
  for (const k of keys) out += `${out ? ',' : ''}${k}=${tags[k]}`;
  return out;
}
