// Validates a version 1 batch body: the batch as a whole (400 when wrong), then each metric on its own.

export type BatchMetricType = 'counter' | 'gauge' | 'timer' | 'histogram' | 'set';

export type BatchMetric =
  | { readonly type: 'counter' | 'gauge'; readonly name: string; readonly value: number; readonly tags?: Readonly<Record<string, string>> }
  | { readonly type: 'timer' | 'histogram'; readonly name: string; readonly values: readonly number[]; readonly tags?: Readonly<Record<string, string>> }
  | { readonly type: 'set'; readonly name: string; readonly values: readonly string[]; readonly tags?: Readonly<Record<string, string>> };

export interface MetricError {
  /** Position of the metric in the batch's `metrics` array. */
  readonly index: number;
  readonly message: string;
}

export type BatchParseResult =
  | { readonly ok: true; readonly metrics: readonly { readonly index: number; readonly metric: BatchMetric }[]; readonly errors: readonly MetricError[] }
  | { readonly ok: false; readonly error: string };

export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_NAME_LENGTH = 200;
const MAX_TAGS = 64;
const TYPES: readonly BatchMetricType[] = ['counter', 'gauge', 'timer', 'histogram', 'set'];

/** Parses and checks a batch; a metric that is wrong is reported by index, never fails the batch. */
export function parseBatch(body: string): BatchParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (!isPlainObject(parsed)) {
    return { ok: false, error: `batch must be a JSON object {"v":1,"metrics":[...]}, got ${describe(parsed)}` };
  }
  if (parsed.v !== 1) {
    return { ok: false, error: `unsupported batch version ${describe(parsed.v)}: expected "v": 1` };
  }
  if (!Array.isArray(parsed.metrics)) {
    return { ok: false, error: `"metrics" must be an array, got ${describe(parsed.metrics)}` };
  }
  const metrics: { index: number; metric: BatchMetric }[] = [];
  const errors: MetricError[] = [];
  parsed.metrics.forEach((raw: unknown, index: number) => {
    const result = parseMetric(raw);
    if (typeof result === 'string') errors.push({ index, message: result });
    else metrics.push({ index, metric: result });
  });
  return { ok: true, metrics, errors };
}

/** One metric of a batch, or what is wrong with it. */
export function parseMetric(raw: unknown): BatchMetric | string {
  if (!isPlainObject(raw)) return `metric must be an object, got ${describe(raw)}`;
  const { type, name } = raw;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    return `unknown type ${describe(type)}: expected one of ${TYPES.join(', ')}`;
  }
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !METRIC_NAME_PATTERN.test(name)) {
    return `invalid name ${describe(name)}: expected a string of at most ${MAX_NAME_LENGTH} characters matching ${METRIC_NAME_PATTERN}`;
  }
  let tags: Record<string, string> | undefined;
  if (raw.tags !== undefined) {
    const t = parseTags(raw.tags);
    if (typeof t === 'string') return `${type} "${name}": ${t}`;
    tags = t;
  }
  const withTags = tags ? { tags } : {};
  switch (type as BatchMetricType) {
    case 'counter':
    case 'gauge': {
      const { value } = raw;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `${type} "${name}": "value" must be a finite number, got ${describe(value)}`;
      }
      return { type: type as 'counter' | 'gauge', name, value, ...withTags };
    }
    case 'timer':
    case 'histogram': {
      const { values } = raw;
      if (!Array.isArray(values) || values.length === 0) {
        return `${type} "${name}": "values" must be a non-empty array of finite numbers, got ${describe(values)}`;
      }
      for (let i = 0; i < values.length; i++) {
        const v: unknown = values[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          return `${type} "${name}": values[${i}] must be a finite number, got ${describe(v)}`;
        }
      }
      return { type: type as 'timer' | 'histogram', name, values: values as number[], ...withTags };
    }
    case 'set': {
      const { values } = raw;
      if (!Array.isArray(values) || values.length === 0) {
        return `set "${name}": "values" must be a non-empty array of strings, got ${describe(values)}`;
      }
      for (let i = 0; i < values.length; i++) {
        if (typeof values[i] !== 'string') return `set "${name}": values[${i}] must be a string, got ${describe(values[i])}`;
      }
      return { type: 'set', name, values: values as string[], ...withTags };
    }
  }
}

function parseTags(raw: unknown): Record<string, string> | string {
  if (!isPlainObject(raw)) return `"tags" must be an object of string values, got ${describe(raw)}`;
  const keys = Object.keys(raw);
  if (keys.length > MAX_TAGS) return `"tags" has ${keys.length} entries, at most ${MAX_TAGS} allowed`;
  // No prototype: a tag named `__proto__` is a tag like any other.
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    const value = raw[key];
    if (key === '') return `"tags" has an empty key`;
    if (typeof value !== 'string') return `tag ${JSON.stringify(key)} must be a string, got ${describe(value)}`;
    tags[key] = value;
  }
  return tags;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, safe rendering of a received value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
