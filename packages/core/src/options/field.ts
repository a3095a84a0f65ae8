// An option declared once: its kind and checks (for validation), its default, its doc line (for
// the README's options table) and, by its key, its environment variable. The TypeScript types a
// package exports are derived from the same declaration (`OptionsOf`, `ResolvedOf`), so nothing
// about an option is written twice.

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
  /** The value used when neither the code nor the environment gives one. */
  readonly default?: unknown;
  /** How the default reads in docs when it is not a plain value (`5000 under Kubernetes, else 0`). */
  readonly defaultText?: string;
  /** One line for the options table of the package's README. */
  readonly doc?: string;
  /**
   * Names other libraries give this option (`host` for `destHost`, as hot-shots calls it): an unknown
   * key equal to one (case-insensitive) is answered with "did you mean" this option, even when
   * the spelling is too far for a typo.
   */
  readonly aliases?: readonly string[];
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
 * One option's rule: its kind (string, number, object, ...), its checks, its default and doc line,
 * and whether it is required or secret. Build fields with {@link opt}.
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
      /** Other keys allowed: a value with fields of its own (a Plugin), not an options object. */
      readonly open?: boolean;
    })
  | (FieldCommon & { readonly kind: 'record'; readonly of: Field })
  | (FieldCommon & { readonly kind: 'array'; readonly of: Field })
  | (FieldCommon & { readonly kind: 'oneOf'; readonly of: readonly Field[] })
  | (FieldCommon & { readonly kind: 'any' });

/** The kind of a field: `string`, `number`, `boolean`, `object`, `array`, ... */
export type FieldKind = Field['kind'];

/** The fields of an options object, by key. */
export type Shape = Readonly<Record<string, Field>>;

// ---- types carried by a field, for the compiler only ----

declare const TYPES: unique symbol;

/**
 * What a field built by {@link opt} carries for the compiler: the type a user passes (`In`), the type
 * after defaults are applied (`Out`), and whether it is required or has a default. Never present at
 * run time.
 */
export interface Typed<In, Out, Req extends boolean, Def extends boolean> {
  /** The types, for the compiler only: never set. */
  readonly [TYPES]?: { readonly in: In; readonly out: Out; readonly required: Req; readonly defaulted: Def };
}

type AnyTyped = Typed<unknown, unknown, boolean, boolean>;
type InOf<F> = F extends Typed<infer I, unknown, boolean, boolean> ? I : unknown;
type OutOf<F> = F extends Typed<unknown, infer O, boolean, boolean> ? O : unknown;
type IsRequired<F> = F extends Typed<unknown, unknown, true, boolean> ? true : false;
type IsDefaulted<F> = F extends Typed<unknown, unknown, boolean, true> ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The options object a user writes for `shape`: required fields required, the rest optional. */
export type OptionsOf<S extends Shape> = Simplify<
  { readonly [K in keyof S as IsRequired<S[K]> extends true ? K : never]: InOf<S[K]> } & {
    readonly [K in keyof S as IsRequired<S[K]> extends true ? never : K]?: InOf<S[K]>;
  }
>;

/** The options after `resolveOptions()`: fields with a default (or required) always hold a value. */
export type ResolvedOf<S extends Shape> = Simplify<{
  readonly [K in keyof S]: IsRequired<S[K]> extends true
    ? OutOf<S[K]>
    : IsDefaulted<S[K]> extends true
      ? OutOf<S[K]>
      : OutOf<S[K]> | undefined;
}>;

// ---- builders ----

type Common<T> = Omit<FieldCommon, 'check' | 'default'> & {
  // A method, so a check written for a narrower type (a duck-typed `any` field) still fits.
  check?(value: T): string | undefined;
  readonly default?: T;
};
type Flags<E> = [E extends { readonly required: true } ? true : false, E extends { readonly default: unknown } ? true : false];
type Built<In, Out, E> = Field & Typed<In, Out, Flags<E>[0], Flags<E>[1]>;

type StringExtra = Common<string> & { readonly nonEmpty?: boolean };
type NumberExtra = Common<number> & NumberBounds;
type EnumValues = readonly ScalarValue[];
type ObjectExtra<S extends Shape> = Omit<Common<OptionsOf<S>>, 'env'> & { readonly open?: boolean; readonly env?: boolean };
/** What a field of this shape resolves to: an object with its own defaults applied. */
type ObjectOut<S extends Shape> = ResolvedOf<S>;
type ArrayOf<F> = readonly InOf<F>[];
type RecordOf<F> = Readonly<Record<string, InOf<F>>>;
type UnionIn<Fs extends readonly Field[]> = InOf<Fs[number]>;
type UnionOut<Fs extends readonly Field[]> = OutOf<Fs[number]>;

/** A function type that accepts any arguments: the widest a `function` field can be. */
export type AnyFunction = (...args: never) => unknown;

/**
 * A builder whose value type is given (`opt.any<Clock>(...)`). A type given explicitly stops the
 * compiler from inferring the rest, so a call with a `default` has its own signature: without it,
 * the field would not count as defaulted and `ResolvedOf` would add `undefined`.
 */
interface TypedBuilder<Base> {
  <T extends Base>(extra: Common<T> & { readonly default: T; readonly required?: false }): Built<T, T, { readonly default: T }>;
  <T extends Base = Base, const E extends Common<T> = Record<never, never>>(extra?: E): Built<T, T, E>;
}

const functionField = ((extra?: object) => ({ kind: 'function', ...extra })) as TypedBuilder<AnyFunction>;
const anyField = ((extra?: object) => ({ kind: 'any', ...extra })) as TypedBuilder<unknown>;

/**
 * Field builders: `opt.integer({ min: 0, max: 65535, default: 8080, doc: 'Port to listen on.' })`,
 * `opt.object({ udpPort: opt.integer() })`. Each returns a field whose types `OptionsOf` and
 * `ResolvedOf` read.
 */
export const opt = Object.freeze({
  string: <const E extends StringExtra = Record<never, never>>(extra?: E): Built<string, string, E> => ({ kind: 'string', ...extra }),
  number: <const E extends NumberExtra = Record<never, never>>(extra?: E): Built<number, number, E> => ({ kind: 'number', ...extra }),
  integer: <const E extends NumberExtra = Record<never, never>>(extra?: E): Built<number, number, E> => ({ kind: 'integer', ...extra }),
  boolean: <const E extends Common<boolean> = Record<never, never>>(extra?: E): Built<boolean, boolean, E> => ({
    kind: 'boolean',
    ...extra,
  }),
  /** A function; give its type: `opt.function<(error: Error) => void>()`. */
  function: functionField,
  enum: <const V extends EnumValues, const E extends Common<V[number]> = Record<never, never>>(
    values: V,
    extra?: E,
  ): Built<V[number], V[number], E> => ({ kind: 'enum', values, ...extra }),
  object: <const S extends Shape, const E extends ObjectExtra<S> = Record<never, never>>(
    shape: S,
    extra?: E,
  ): Built<OptionsOf<S>, ObjectOut<S>, E> => ({ kind: 'object', shape, ...extra }),
  record: <const F extends Field, const E extends Common<RecordOf<F>> = Record<never, never>>(
    of: F,
    extra?: E,
  ): Built<RecordOf<F>, RecordOf<F>, E> => ({ kind: 'record', of, ...extra }),
  array: <const F extends Field, const E extends Common<ArrayOf<F>> = Record<never, never>>(
    of: F,
    extra?: E,
  ): Built<ArrayOf<F>, ArrayOf<F>, E> => ({ kind: 'array', of, ...extra }),
  oneOf: <const Fs extends readonly Field[], const E extends Common<UnionIn<Fs>> = Record<never, never>>(
    of: Fs,
    extra?: E,
  ): Built<UnionIn<Fs>, UnionOut<Fs>, E> => ({ kind: 'oneOf', of, ...extra }),
  /** Any value the field's `check` accepts; give its type: `opt.any<StatsClient>()`. */
  any: anyField,
  /**
   * The same field, typed `T` for `OptionsOf` and `ResolvedOf`: for a value checked by its shape
   * whose type is an interface, e.g. `opt.typed<MetricsHooks>()(opt.record(opt.function()))`.
   */
  typed:
    <T>() =>
    <const F extends Field>(field: F): Field & Typed<T, T, IsRequired<F>, IsDefaulted<F>> =>
      field,
});

/** Declares an options shape: frozen, with its field types kept for `OptionsOf` / `ResolvedOf`. */
export function defineShape<const S extends Shape>(shape: S): S {
  return Object.freeze(shape);
}

export type { AnyTyped };
