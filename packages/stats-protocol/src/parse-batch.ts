// What a server accepts: the batch as a whole (refused with 400 when wrong), then each metric on its
// own (a wrong one is reported by index and never fails the others).
import { describeValue } from '@sightline/core/internal';
import { isPlainObject } from './is-plain-object.js';
import { BATCH_METRIC_TYPES, type BatchMetric, type BatchMetricType, type Tags } from './metric.js';
import { BATCH_ID_PATTERN, isValidMetricName, METRIC_NAME_FORM, parseTags } from './names.js';
import { PROTOCOL_VERSION } from './wire.js';

/** A metric of a batch that was refused, and why. */
export interface MetricError {
  /** Position of the metric in the batch's `metrics` array. */
  readonly index: number;
  /** What was wrong with it. */
  readonly message: string;
}

/** A metric of a batch that was accepted, with its position. */
export interface IndexedMetric {
  /** Its position in the batch's `metrics` array. */
  readonly index: number;
  /** The metric, checked. */
  readonly metric: BatchMetric;
}

/** The outcome of `parseBatch()`: the accepted and refused metrics, or why the whole body was refused. */
export type BatchParseResult =
  | {
      readonly ok: true;
      /** The batch's `id` (see `newBatchId`); absent from batches of clients older than it. */
      readonly id?: string;
      readonly metrics: readonly IndexedMetric[];
      readonly errors: readonly MetricError[];
    }
  | { readonly ok: false; readonly error: string };

/** Parses and checks a batch body (the text of the exact bytes received). */
export function parseBatch(body: string): BatchParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isPlainObject(parsed)) {
    return { ok: false, error: `batch must be a JSON object {"v":${PROTOCOL_VERSION},"metrics":[...]}, got ${describeValue(parsed)}` };
  }
  if (parsed.v !== PROTOCOL_VERSION) {
    return { ok: false, error: `unsupported batch version ${describeValue(parsed.v)}: expected "v": ${PROTOCOL_VERSION}` };
  }
  if (!Array.isArray(parsed.metrics)) {
    return { ok: false, error: `"metrics" must be an array, got ${describeValue(parsed.metrics)}` };
  }
  const { id } = parsed;
  if (id !== undefined && (typeof id !== 'string' || !BATCH_ID_PATTERN.test(id))) {
    return { ok: false, error: `"id" must be 8 to 64 characters of [A-Za-z0-9_-], got ${describeValue(id)}` };
  }
  const metrics: IndexedMetric[] = [];
  const errors: MetricError[] = [];
  parsed.metrics.forEach((raw: unknown, index: number) => {
    const result = parseMetric(raw);
    if (typeof result === 'string') errors.push({ index, message: result });
    else metrics.push({ index, metric: result });
  });
  return id === undefined ? { ok: true, metrics, errors } : { ok: true, id, metrics, errors };
}

/** One metric of a batch, or what is wrong with it. */
export function parseMetric(raw: unknown): BatchMetric | string {
  if (!isPlainObject(raw)) return `metric must be an object, got ${describeValue(raw)}`;
  const { type, name } = raw;
  if (typeof type !== 'string' || !(BATCH_METRIC_TYPES as readonly string[]).includes(type)) {
    return `unknown type ${describeValue(type)}: expected one of ${BATCH_METRIC_TYPES.join(', ')}`;
  }
  if (!isValidMetricName(name)) return `invalid name ${describeValue(name)}: expected ${METRIC_NAME_FORM}`;
  let tags: Tags | undefined;
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
        return `${type} "${name}": "value" must be a finite number, got ${describeValue(value)}`;
      }
      return { type: type as 'counter' | 'gauge', name, value, ...withTags };
    }
    case 'timer':
    case 'histogram': {
      const { values } = raw;
      if (!Array.isArray(values) || values.length === 0) {
        return `${type} "${name}": "values" must be a non-empty array of finite numbers, got ${describeValue(values)}`;
      }
      for (let i = 0; i < values.length; i++) {
        const v: unknown = values[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          return `${type} "${name}": values[${i}] must be a finite number, got ${describeValue(v)}`;
        }
      }
      return { type: type as 'timer' | 'histogram', name, values: values as number[], ...withTags };
    }
    case 'set': {
      const { values } = raw;
      if (!Array.isArray(values) || values.length === 0) {
        return `set "${name}": "values" must be a non-empty array of strings, got ${describeValue(values)}`;
      }
      for (let i = 0; i < values.length; i++) {
        if (typeof values[i] !== 'string') return `set "${name}": values[${i}] must be a string, got ${describeValue(values[i])}`;
      }
      return { type: 'set', name, values: values as string[], ...withTags };
    }
  }
}
