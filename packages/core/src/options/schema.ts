// One rule for option objects: the validator of a shape (see field.ts). Unknown keys, nested ones
// too, are an error naming the key path, the source and the closest valid key; wrong types and
// ranges name the option and the value. Every message reads
//   "<unknown|invalid|missing> option `<path>` in <source>: <problem>".
import { describeValue } from './describe-value.js';
import { suggestOption } from './did-you-mean.js';
import type { Field, ScalarValue, Shape } from './field.js';
import { defaultOptionsError, type OptionsErrorFactory } from './options-error.js';

/** Where options came from and how to build the error, for `validateOptions()`. */
export interface ValidateContext {
  /** Where the options came from: `health()`, `new StatsClient()`, `env SIGHTLINE_HEALTH_PORT`. */
  readonly source: string;
  /** Builds the thrown error; default `OptionsError`. */
  readonly error?: OptionsErrorFactory;
  /** Required fields may be absent (another layer may give them). */
  readonly allowMissing?: boolean;
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

/** Whether `value` is an object literal (or has a null prototype): what an options object is. */
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
      const suggestion = suggestOption(key, shape);
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
      // allowMissing covers the top-level options only: what another layer can give.
      const topLevel = !path.includes('.') && !path.includes('[');
      if (field.required && !(topLevel && this.ctx.allowMissing === true)) this.fail('missing', path, `expected ${expectedText(field)}`);
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
        const n = value;
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
        for (const [key, item] of Object.entries(value)) this.field({ ...field.of, required: true }, item, join(path, key));
        break;
      case 'array':
        if (!Array.isArray(value)) this.invalid(field, path, value);
        (value as unknown[]).forEach((item, i) => this.field({ ...field.of, required: true }, item, `${path}[${i}]`));
        break;
      case 'oneOf': {
        // Any branch that accepts the value will do (`Infinity` is refused by the integer branch
        // of "an integer >= 1 or Infinity" and accepted by the other).
        const probe = new Validator({ source: '', error: (m) => new Error(m) });
        if (field.of.some((f) => probe.accepts(f, value))) break;
        // None does: a container the value looks like explains the problem inside it; a scalar
        // is described by every branch.
        const container = field.of.find((f) => (f.kind === 'object' || f.kind === 'record' || f.kind === 'array') && matchesKind(f, value));
        if (container !== undefined) this.field(container, value, path);
        return this.invalid(field, path, value);
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
