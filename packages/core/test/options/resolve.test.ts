import { OptionsError } from '../../src/index.js';
import { defaultsOf, defineShape, opt, optionsTable, resolveOptions, type OptionsOf, type ResolvedOf } from '../../src/internal.js';

const SHAPE = defineShape({
  host: opt.string({ nonEmpty: true, default: '127.0.0.1', doc: 'Interface to bind.' }),
  port: opt.integer({ min: 0, max: 65_535, default: 8125, doc: 'Port to listen on.' }),
  secret: opt.string({ required: true, secret: true, doc: 'HMAC secret.' }),
  label: opt.string({ doc: 'No default: undefined when absent.' }),
  mode: opt.enum(['http', 'ws'] as const, { default: 'http' }),
  statsd: opt.object(
    {
      host: opt.string(),
      udpPort: opt.integer({ min: 0, max: 65_535, default: 8125 }),
    },
    { default: {} },
  ),
  tls: opt.object({ cert: opt.string({ required: true }) }),
  onError: opt.function<(error: Error) => void>(),
});

type Options = OptionsOf<typeof SHAPE>;
type Resolved = ResolvedOf<typeof SHAPE>;

describe('types derived from a shape', () => {
  it('makes required fields required, the rest optional, and defaults always present once resolved', () => {
    const given: Options = { secret: 's' };
    // @ts-expect-error secret is required
    const missing: Options = { port: 1 };
    // @ts-expect-error mode is one of the enum's values
    const badMode: Options = { secret: 's', mode: 'udp' };
    const resolved: Resolved = resolveOptions(SHAPE, given, { source: 'test()' });
    const port: number = resolved.port;
    const udpPort: number = resolved.statsd.udpPort;
    const label: string | undefined = resolved.label;
    // @ts-expect-error a field without a default may be undefined
    const label2: string = resolved.label;
    const mode: 'http' | 'ws' = resolved.mode;
    expect([missing, badMode, label2].length).toBe(3);
    expect({ port, udpPort, label, mode }).toEqual({ port: 8125, udpPort: 8125, label: undefined, mode: 'http' });
  });
});

describe('resolveOptions', () => {
  it('applies the defaults the shape declares, nested ones included, and freezes the result', () => {
    const resolved = resolveOptions(SHAPE, { secret: 's', statsd: { host: 'h' } }, { source: 'test()' });
    expect(resolved).toEqual({
      host: '127.0.0.1',
      port: 8125,
      secret: 's',
      label: undefined,
      mode: 'http',
      statsd: { host: 'h', udpPort: 8125 },
      tls: undefined,
      onError: undefined,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.statsd)).toBe(true);
  });

  it('takes options in code over the environment over the defaults', () => {
    const env = { SIGHTLINE_THING_PORT: '9000', SIGHTLINE_THING_HOST: '0.0.0.0', SIGHTLINE_THING_STATSD__UDP_PORT: '9125' };
    const resolved = resolveOptions(SHAPE, { secret: 's', host: '::1' }, { source: 'thing()', package: 'thing', env });
    expect(resolved.host).toBe('::1');
    expect(resolved.port).toBe(9000);
    expect(resolved.statsd.udpPort).toBe(9125);
  });

  it('reads no variable unless the package is named', () => {
    const resolved = resolveOptions(SHAPE, { secret: 's' }, { source: 'thing()', env: { SIGHTLINE_THING_PORT: '9000' } });
    expect(resolved.port).toBe(8125);
  });

  it('accepts a required option from the environment, and names it when neither layer gives it', () => {
    const env = { SIGHTLINE_THING_SECRET: 'from-env' };
    // The type asks for `secret` in code; a package reading its variables may find it there instead.
    const noSecret = {} as Options;
    expect(resolveOptions(SHAPE, noSecret, { source: 'thing()', package: 'thing', env }).secret).toBe('from-env');
    expect(() => resolveOptions(SHAPE, noSecret, { source: 'thing()', package: 'thing', env: {} })).toThrow(
      'missing option `secret` in thing(): expected a string',
    );
    // Nested required fields are still required in code.
    expect(() => resolveOptions(SHAPE, { secret: 's', tls: {} as never }, { source: 'thing()', package: 'thing', env: {} })).toThrow(
      'missing option `tls.cert` in thing()',
    );
  });

  it('refuses a misspelt variable with the closest one, and a bad value naming the variable', () => {
    const misspelt = { SIGHTLINE_THING_PROT: '1' };
    expect(() => resolveOptions(SHAPE, { secret: 's' }, { source: 'thing()', package: 'thing', env: misspelt })).toThrow(
      'unknown variable `SIGHTLINE_THING_PROT` in env: did you mean `SIGHTLINE_THING_PORT`?',
    );
    const bad = { SIGHTLINE_THING_PORT: 'eighty' };
    expect(() => resolveOptions(SHAPE, { secret: 's' }, { source: 'thing()', package: 'thing', env: bad })).toThrow(
      'invalid option `port` in env SIGHTLINE_THING_PORT: expected an integer from 0 to 65535, got "eighty"',
    );
  });

  it('skips the variables of a package whose key extends this one', () => {
    const env = { SIGHTLINE_THING_EXTRA_X: '1', SIGHTLINE_THING_PORT: '1' };
    const resolved = resolveOptions(SHAPE, { secret: 's' }, { source: 'thing()', package: 'thing', env, otherPackages: ['THING_EXTRA'] });
    expect(resolved.port).toBe(1);
  });

  it('throws the package error, never echoing a secret', () => {
    class ThingError extends OptionsError {}
    let caught: unknown;
    try {
      resolveOptions(SHAPE, { secret: 42 as never }, { source: 'thing()', error: (m, d) => new ThingError(m, d) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ThingError);
    expect((caught as ThingError).message).not.toContain('42');
    expect((caught as ThingError).option).toBe('secret');
  });

  it('gives the defaults alone through defaultsOf', () => {
    expect(defaultsOf(SHAPE)).toMatchObject({ host: '127.0.0.1', port: 8125, mode: 'http', statsd: { udpPort: 8125 } });
  });
});

describe('optionsTable', () => {
  it('writes one row per option, nested ones dotted, with the default and the variable the code uses', () => {
    const table = optionsTable(SHAPE, 'thing');
    expect(table.split('\n')).toEqual(
      expect.arrayContaining([
        '| `port` | an integer from 0 to 65535 | `8125` | `SIGHTLINE_THING_PORT` | Port to listen on. |',
        '| `secret` | a string | required | `SIGHTLINE_THING_SECRET` | HMAC secret. |',
        '| `statsd.udpPort` | an integer from 0 to 65535 | `8125` | `SIGHTLINE_THING_STATSD__UDP_PORT` |  |',
        '| `onError` | a function |  |  |  |',
      ]),
    );
  });
});

describe('typed fields with a default', () => {
  interface Clock {
    now(): number;
  }
  const fixed: Clock = { now: () => 7 };
  const TYPED = defineShape({
    clock: opt.any<Clock>({ default: fixed }),
    format: opt.function<(text: string) => string>({ default: (text: string) => `<${text}>` }),
    sink: opt.function<(text: string) => void>(),
  });

  it('resolve to their type without undefined when a default is given, with it otherwise', () => {
    const resolved = resolveOptions(TYPED, {}, { source: 'typed()' });
    // Compiles only because `clock` and `format` are never undefined once resolved.
    const now: number = resolved.clock.now();
    const text: string = resolved.format('x');
    // @ts-expect-error `sink` has no default, so it may be undefined
    const unchecked = (): void => resolved.sink('x');
    expect([now, text, resolved.sink, typeof unchecked]).toEqual([7, '<x>', undefined, 'function']);
  });
});

describe('opt.typed()', () => {
  interface Callbacks {
    onEvent?(name: string): void;
  }
  const SHAPE_WITH_CALLBACKS = defineShape({
    callbacks: opt.typed<Callbacks>()(opt.record(opt.function(), { env: false, doc: 'Callbacks by name.' })),
  });

  it('keeps the field it wraps, typed as the interface', () => {
    const callbacks: Callbacks = { onEvent: () => undefined };
    const options: OptionsOf<typeof SHAPE_WITH_CALLBACKS> = { callbacks };
    expect(resolveOptions(SHAPE_WITH_CALLBACKS, options, { source: 'typed()' }).callbacks).toBe(callbacks);
    expect(() => resolveOptions(SHAPE_WITH_CALLBACKS, { callbacks: { onEvent: 3 } as never }, { source: 'typed()' })).toThrow(
      'invalid option `callbacks.onEvent` in typed(): expected a function, got 3',
    );
    expect(optionsTable(SHAPE_WITH_CALLBACKS)).toContain('| `callbacks` | an object of function values |  |  | Callbacks by name. |');
  });
});

describe('oneOf', () => {
  const countOrInfinity = defineShape({ maxAttempts: opt.oneOf([opt.integer({ min: 1 }), opt.enum([Infinity])]) });
  it('accepts a value any branch accepts, even when another branch of the same type refuses it', () => {
    expect(resolveOptions(countOrInfinity, { maxAttempts: Infinity }, { source: 'x()' }).maxAttempts).toBe(Infinity);
    expect(resolveOptions(countOrInfinity, { maxAttempts: 3 }, { source: 'x()' }).maxAttempts).toBe(3);
  });
  it('describes every branch when none accepts the value', () => {
    expect(() => resolveOptions(countOrInfinity, { maxAttempts: 0 }, { source: 'x()' })).toThrow(
      'invalid option `maxAttempts` in x(): expected an integer >= 1 or Infinity, got 0',
    );
  });
});
