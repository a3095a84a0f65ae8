// One rule for option objects: a small typed schema and its validator. Unknown keys, nested ones
// too, are an error naming the key path, the source and the closest valid key; wrong types and
// ranges name the option and the value. Every message reads
//   "<unknown|invalid|missing> option `<path>` in <source>: <problem>".
import { describeValue } from './describe-value.js';
import { closestName } from './did-you-mean.js';
import { defaultOptionsError, type OptionsErrorFactory } from './options-error.js';

interface FieldCommon {
  /** Undefined is refused. Default: optional. */
  readonly required?: boolean;
  /** Never echo the value in messages or error fields. */
  readonly secret?: boolean;
  /** A check on the typed value: a problem such as `must not contain spaces`, or undefined. */
  readonly check?: (value: never) => string | undefined;
  /** Replaces the generated "expected ..." text. */
  readonly expected?: string;
  /** Read from the environment too (scalar kinds, arrays and records of them). Default true where parsable. */
  readonly env?: boolean;
}

interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
}

/** A value an enum field may list. */
export type ScalarValue = string | number | boolean;

/**
 * One option's rule: its kind (string, number, object, ...), its checks, and whether it is required or
 * secret. Build fields with {@link opt}.
 */
export type Field =
  | (FieldCommon & { readonly kind: 'string'; readonly nonEmpty?: boolean })
  | (FieldCommon & NumberBounds & { readonly kind: 'number' })
  | (FieldCommon & NumberBounds & { readonly kind: 'integer' })
  | (FieldCommon & { readonly kind: 'boolean' })
  | (FieldCommon & { readonly kind: 'function' })
  | (FieldCommon & { readonly kind: 'enum'; readonly values: readonly ScalarValue[] })
  | (FieldCommon & {
      readonly kind: 'object';
      readonly shape: Shape;
      /** Other keys allowed: a value with fields of its own (a Plugin), not an options object. */ readonly open?: boolean;
    })
  | (FieldCommon & { readonly kind: 'record'; readonly of: Field })
  | (FieldCommon & { readonly kind: 'array'; readonly of: Field })
  | (FieldCommon & { readonly kind: 'oneOf'; readonly of: readonly Field[] })
  | (FieldCommon & { readonly kind: 'any' });

/** The kind of a field: `string`, `number`, `boolean`, `object`, `array`, ... */
export type FieldKind = Field['kind'];

/** The fields of an options object, by key. */
export type Shape = Readonly<Record<string, Field>>;

type Extra<K extends FieldKind> = Omit<Extract<Field, { kind: K }>, 'kind'>;

/** Field builders: `opt.integer({ min: 0, max: 65535 })`, `opt.object({ udpPort: opt.integer() })`. */
export const opt = Object.freeze({
  string: (extra: Extra<'string'> = {}): Field => ({ kind: 'string', ...extra }),
  number: (extra: Extra<'number'> = {}): Field => ({ kind: 'number', ...extra }),
  integer: (extra: Extra<'integer'> = {}): Field => ({ kind: 'integer', ...extra }),
  boolean: (extra: Extra<'boolean'> = {}): Field => ({ kind: 'boolean', ...extra }),
  function: (extra: Extra<'function'> = {}): Field => ({ kind: 'function', ...extra }),
  enum: (values: readonly ScalarValue[], extra: Omit<Extra<'enum'>, 'values'> = {}): Field => ({ kind: 'enum', values, ...extra }),
  object: (shape: Shape, extra: Omit<Extra<'object'>, 'shape'> = {}): Field => ({ kind: 'object', shape, ...extra }),
  record: (of: Field, extra: Omit<Extra<'record'>, 'of'> = {}): Field => ({ kind: 'record', of, ...extra }),
  array: (of: Field, extra: Omit<Extra<'array'>, 'of'> = {}): Field => ({ kind: 'array', of, ...extra }),
  oneOf: (of: readonly Field[], extra: Omit<Extra<'oneOf'>, 'of'> = {}): Field => ({ kind: 'oneOf', of, ...extra }),
  any: (extra: Extra<'any'> = {}): Field => ({ kind: 'any', ...extra }),
});

/** Where options came from and how to build the error, for `validateOptions()`. */
export interface ValidateContext {
  /** Where the options came from: `health()`, `new StatsClient()`, `env SIGHTLINE_HEALTH_PORT`. */
  readonly source: string;
  /** Builds the thrown error; default `OptionsError`. */
  readonly error?: OptionsErrorFactory;
}

function range(field: { min?: number; max?: number; above?: number }): string {
  const parts: string[] = [];
  if (field.above !== undefined) parts.push(`> ${field.above}`);
  if (field.min !== undefined && field.max !== undefined) return ` from ${field.min} to ${field.max}`;
  if (field.min !== undefined) parts.push(`>= ${field.min}`);
  if (field.max !== undefined) parts.push(`<= ${field.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** What a field accepts, in words: `an integer from 0 to 65535`. */
export function expectedText(field: Field): string {
  if (field.expected !== undefined) return field.expected;
  switch (field.kind) {
    case 'string':
      return field.nonEmpty ? 'a non-empty string' : 'a string';
    case 'number':
      return `a finite number${range(field)}`;
    case 'integer':
      return `an integer${range(field)}`;
    case 'boolean':
      return 'true or false';
    case 'function':
      return 'a function';
    case 'enum':
      if (field.values.length === 1) return typeof field.values[0] === 'string' ? JSON.stringify(field.values[0]) : String(field.values[0]);
      return `one of ${field.values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}`;
    case 'object':
      return 'an object';
    case 'record':
      return `an object of ${expectedText(field.of).replace(/^(a|an) /, '')} values`;
    case 'array':
      return `an array of ${expectedText(field.of).replace(/^(a|an) /, '')} items`;
    case 'oneOf':
      return field.of.map(expectedText).join(' or ');
    case 'any':
      return 'a value';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether the value has the field's basic type (used to pick a `oneOf` branch). */
function matchesKind(field: Field, value: unknown): boolean {
  switch (field.kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
    case 'integer':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'function':
      return typeof value === 'function';
    case 'enum':
      return field.values.includes(value as ScalarValue);
    case 'object':
    case 'record':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'oneOf':
      return field.of.some((f) => matchesKind(f, value));
    case 'any':
      return true;
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

class Validator {
  constructor(private readonly ctx: ValidateContext) {}

  fail(
    kind: 'unknown' | 'invalid' | 'missing',
    path: string,
    problem: string,
    value?: unknown,
    suggestion?: string,
    secret = false,
  ): never {
    const make = this.ctx.error ?? defaultOptionsError;
    const where = path === '' ? 'options' : `option \`${path}\``;
    throw make(`${kind} ${where} in ${this.ctx.source}: ${problem}`, {
      kind,
      option: path,
      source: this.ctx.source,
      problem,
      ...(secret ? {} : { value }),
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }

  invalid(field: Field, path: string, value: unknown): never {
    const got = field.secret ? '' : `, got ${describeValue(value)}`;
    return this.fail('invalid', path, `expected ${expectedText(field)}${got}`, value, undefined, field.secret === true);
  }

  shape(shape: Shape, value: unknown, path: string, open = false): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail('invalid', path, `expected an object, got ${describeValue(value)}`, value);
    }
    const obj = value as Record<string, unknown>;
    for (const key of open ? [] : Object.keys(obj)) {
      if (Object.hasOwn(shape, key)) continue;
      const suggestion = closestName(key, Object.keys(shape));
      const full = join(path, key);
      const hint =
        suggestion !== undefined
          ? `did you mean \`${join(path, suggestion)}\`?`
          : `expected one of ${Object.keys(shape).join(', ') || 'none'}`;
      this.fail('unknown', full, hint, undefined, suggestion === undefined ? undefined : join(path, suggestion));
    }
    for (const [key, field] of Object.entries(shape)) this.field(field, obj[key], join(path, key));
  }

  accepts(field: Field, value: unknown): boolean {
    try {
      this.field(field, value, '');
      return true;
    } catch {
      return false;
    }
  }

  field(field: Field, value: unknown, path: string): void {
    if (value === undefined) {
      if (field.required) this.fail('missing', path, `expected ${expectedText(field)}`);
      return;
    }
    switch (field.kind) {
      case 'string':
        if (typeof value !== 'string' || (field.nonEmpty === true && value.trim() === '')) this.invalid(field, path, value);
        break;
      case 'number':
      case 'integer': {
        if (typeof value !== 'number' || !Number.isFinite(value) || (field.kind === 'integer' && !Number.isInteger(value))) {
          this.invalid(field, path, value);
        }
        const n = value as number;
        if (
          (field.min !== undefined && n < field.min) ||
          (field.max !== undefined && n > field.max) ||
          (field.above !== undefined && n <= field.above)
        ) {
          this.invalid(field, path, value);
        }
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') this.invalid(field, path, value);
        break;
      case 'function':
        if (typeof value !== 'function') this.invalid(field, path, value);
        break;
      case 'enum':
        if (!field.values.includes(value as ScalarValue)) this.invalid(field, path, value);
        break;
      case 'object':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) this.invalid(field, path, value);
        this.shape(field.shape, value, path, field.open === true);
        break;
      case 'record':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) this.invalid(field, path, value);
        for (const [key, item] of Object.entries(value as object)) this.field({ ...field.of, required: true }, item, join(path, key));
        break;
      case 'array':
        if (!Array.isArray(value)) this.invalid(field, path, value);
        (value as unknown[]).forEach((item, i) => this.field({ ...field.of, required: true }, item, `${path}[${i}]`));
        break;
      case 'oneOf': {
        const branch = field.of.find((f) => matchesKind(f, value));
        if (branch === undefined) this.invalid(field, path, value);
        if (branch.kind === 'object' || branch.kind === 'record' || branch.kind === 'array') this.field(branch, value, path);
        // A scalar that fits no branch is described by them all: "an integer >= 1 or Infinity".
        else if (!new Validator({ source: '', error: (m) => new Error(m) }).accepts(branch, value)) this.invalid(field, path, value);
        break;
      }
      case 'any':
        break;
    }
    const problem = field.check?.(value as never);
    if (problem !== undefined) {
      const shown = field.secret ? '' : ` (got ${describeValue(value)})`;
      this.fail('invalid', path, `${problem}${shown}`, value, undefined, field.secret === true);
    }
  }
}

/**
 * Checks an options object against its shape and returns it. `undefined` counts as `{}`. Throws
 * (an `OptionsError`, or what `ctx.error` builds) at the first problem.
 */
export function validateOptions<T>(shape: Shape, options: T, ctx: ValidateContext): T {
  const v = new Validator(ctx);
  if (options === undefined) v.shape(shape, {}, '');
  else v.shape(shape, options, '');
  return options;
}

/** Checks one value against one field; `path` names it in the message. */
export function validateField(field: Field, value: unknown, path: string, ctx: ValidateContext): void {
  new Validator(ctx).field(field, value, path);
}
