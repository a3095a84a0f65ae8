import { OptionsError, SightlineConfigError } from '../../src/index.js';
import {
  closestName,
  editDistance,
  envVarName,
  mergeOptions,
  opt,
  readEnvOptions,
  validateOptions,
  withOptionsShape,
  optionsShapeOf,
  type Shape,
} from '../../src/internal.js';

const shape: Shape = {
  port: opt.integer({ min: 0, max: 65535 }),
  host: opt.string({ nonEmpty: true }),
  ratio: opt.number({ above: 0, max: 1 }),
  enabled: opt.boolean(),
  mode: opt.enum(['http', 'ws']),
  onError: opt.function(),
  token: opt.string({ secret: true, check: (v: string) => (/\s/.test(v) ? 'must not contain whitespace' : undefined) }),
  tags: opt.record(opt.string()),
  signals: opt.array(opt.string()),
  limit: opt.oneOf([opt.enum([false]), opt.object({ max: opt.integer({ min: 1, required: true }), windowMs: opt.integer({ min: 1 }) })]),
  statsd: opt.object({ udpPort: opt.integer({ min: 0, max: 65535 }), tcpPort: opt.integer({ min: 0, max: 65535 }) }),
  anything: opt.any(),
};

function thrown(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error('expected a throw');
}

describe('closestName', () => {
  it('measures transpositions as one edit', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests only near names', () => {
    expect(closestName('prot', ['port', 'host'])).toBe('port');
    expect(closestName('udp', ['udpPort', 'tcpPort'])).toBeUndefined();
    expect(closestName('metricToken', ['metricsToken', 'metrics'])).toBe('metricsToken');
    expect(closestName('zzzzzzzz', ['port'])).toBeUndefined();
  });
});

describe('validateOptions', () => {
  const ctx = { source: 'health()' };
  it('accepts valid options and undefined', () => {
    const ok = {
      port: 0,
      host: 'a',
      ratio: 1,
      enabled: false,
      mode: 'ws',
      tags: { a: 'b' },
      signals: ['SIGTERM'],
      limit: false,
      statsd: { udpPort: 8125 },
    };
    expect(validateOptions(shape, ok, ctx)).toBe(ok);
    expect(validateOptions(shape, undefined, ctx)).toBeUndefined();
    expect(() => validateOptions(shape, { limit: { max: 2 } }, ctx)).not.toThrow();
  });
  it('names an unknown key, its source and the closest key', () => {
    const e = thrown(() => validateOptions(shape, { prot: 1 }, ctx));
    expect(e.message).toBe('unknown option `prot` in health(): did you mean `port`?');
    expect(e).toBeInstanceOf(SightlineConfigError);
    expect([e.option, e.source, e.suggestion]).toEqual(['prot', 'health()', 'port']);
  });
  it("answers another library's name for an option (its aliases) with that option, however far the spelling", () => {
    const aliased: Shape = {
      destHost: opt.string({ aliases: ['host'] }),
      destPort: opt.integer({ aliases: ['port'] }),
      nested: opt.object({ udpPort: opt.integer({ aliases: ['statsdPort'] }) }),
    };
    const host = thrown(() => validateOptions(aliased, { host: 'a' }, ctx));
    expect(host.message).toBe('unknown option `host` in health(): did you mean `destHost`?');
    expect([host.option, host.suggestion]).toEqual(['host', 'destHost']);
    expect(thrown(() => validateOptions(aliased, { PORT: 1 }, ctx)).message).toBe(
      'unknown option `PORT` in health(): did you mean `destPort`?',
    );
    expect(thrown(() => validateOptions(aliased, { nested: { statsdPort: 1 } }, ctx)).message).toBe(
      'unknown option `nested.statsdPort` in health(): did you mean `nested.udpPort`?',
    );
    // No alias and no near spelling: the list, as before.
    expect(thrown(() => validateOptions(aliased, { zzzzzzzz: 1 }, ctx)).message).toBe(
      'unknown option `zzzzzzzz` in health(): expected one of destHost, destPort, nested',
    );
  });
  it('rejects nested unknown keys with their path', () => {
    expect(thrown(() => validateOptions(shape, { statsd: { udp: 1 } }, ctx)).message).toBe(
      'unknown option `statsd.udp` in health(): expected one of udpPort, tcpPort',
    );
    expect(thrown(() => validateOptions(shape, { statsd: { udpPrt: 1 } }, ctx)).message).toBe(
      'unknown option `statsd.udpPrt` in health(): did you mean `statsd.udpPort`?',
    );
    expect(thrown(() => validateOptions(shape, { limit: { max: 1, window: 3 } }, ctx)).option).toBe('limit.window');
  });
  it('names the option and value on a wrong type or range', () => {
    expect(thrown(() => validateOptions(shape, { port: 70000 }, ctx)).message).toBe(
      'invalid option `port` in health(): expected an integer from 0 to 65535, got 70000',
    );
    expect(thrown(() => validateOptions(shape, { port: '80' }, ctx)).message).toContain('got "80"');
    expect(thrown(() => validateOptions(shape, { ratio: 0 }, ctx)).message).toContain('expected a finite number > 0 and <= 1, got 0');
    expect(thrown(() => validateOptions(shape, { mode: 'udp' }, ctx)).message).toContain('expected one of "http", "ws", got "udp"');
    expect(thrown(() => validateOptions(shape, { signals: ['SIGTERM', 3] }, ctx)).option).toBe('signals[1]');
    expect(thrown(() => validateOptions(shape, { tags: { a: 1 } }, ctx)).option).toBe('tags.a');
    expect(thrown(() => validateOptions(shape, { onError: 'x' }, ctx)).message).toContain('expected a function');
    expect(thrown(() => validateOptions(shape, { limit: true }, ctx)).message).toContain('expected false or an object, got true');
    expect(thrown(() => validateOptions(shape, { limit: {} }, ctx)).message).toBe(
      'missing option `limit.max` in health(): expected an integer >= 1',
    );
    expect(thrown(() => validateOptions(shape, 3, ctx)).message).toBe('invalid options in health(): expected an object, got 3');
  });
  it('runs custom checks and never echoes a secret', () => {
    const e = thrown(() => validateOptions(shape, { token: 'a b' }, ctx));
    expect(e.message).toBe('invalid option `token` in health(): must not contain whitespace');
    expect(e.value).toBeUndefined();
    expect(thrown(() => validateOptions(shape, { token: 5 }, ctx)).message).not.toContain('5');
  });
  it('builds the package error through the factory', () => {
    class MyError extends OptionsError {}
    const e = thrown(() => validateOptions(shape, { hots: 'x' }, { source: 'x()', error: (m, d) => new MyError(m, d) }));
    expect(e).toBeInstanceOf(MyError);
    expect(e.suggestion).toBe('host');
  });
});

describe('environment', () => {
  it('names variables SIGHTLINE_<PACKAGE>_<SETTING>', () => {
    expect(envVarName('health', ['metricsToken'])).toBe('SIGHTLINE_HEALTH_METRICS_TOKEN');
    expect(envVarName('statsServer', ['statsd', 'udpPort'])).toBe('SIGHTLINE_STATS_SERVER_STATSD__UDP_PORT');
  });
  it('parses values by field kind', () => {
    const { options, variables } = readEnvOptions(shape, {
      package: 'health',
      packageKeys: ['HEALTH_MONITOR'],
      env: {
        SIGHTLINE_HEALTH_PORT: '9000',
        SIGHTLINE_HEALTH_ENABLED: 'true',
        SIGHTLINE_HEALTH_HOST: '',
        SIGHTLINE_HEALTH_ENABLED_X: undefined,
        SIGHTLINE_HEALTH_RATIO: '0.5',
        SIGHTLINE_HEALTH_MODE: 'ws',
        SIGHTLINE_HEALTH_TAGS: 'a=1,b=2',
        SIGHTLINE_HEALTH_SIGNALS: 'SIGTERM, SIGINT',
        SIGHTLINE_HEALTH_LIMIT: 'false',
        SIGHTLINE_HEALTH_STATSD__UDP_PORT: '8125',
        SIGHTLINE_HEALTH_MONITOR_WHATEVER: '1',
        OTHER: 'x',
      },
    });
    expect(options).toEqual({
      port: 9000,
      ratio: 0.5,
      mode: 'ws',
      tags: { a: '1', b: '2' },
      signals: ['SIGTERM', 'SIGINT'],
      limit: false,
      statsd: { udpPort: 8125 },
    });
    expect(variables.get('statsd.udpPort')).toBe('SIGHTLINE_HEALTH_STATSD__UDP_PORT');
    expect(
      readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_LIMIT__MAX: '3', SIGHTLINE_HEALTH_ENABLED: 'yes' } }).options,
    ).toEqual({ limit: { max: 3 } });
  });
  it('sets one key of a map per variable with `__`', () => {
    expect(
      readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_TAGS__TEAM: 'core', SIGHTLINE_HEALTH_TAGS__ON_CALL: 'ops' } })
        .options,
    ).toEqual({
      tags: { team: 'core', onCall: 'ops' },
    });
  });

  it('refuses an unknown variable with the package prefix, naming the closest', () => {
    const e = thrown(() => readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_PROT: '1' } }));
    expect(e.message).toBe('unknown variable `SIGHTLINE_HEALTH_PROT` in env: did you mean `SIGHTLINE_HEALTH_PORT`?');
    expect(e.option).toBe('SIGHTLINE_HEALTH_PROT');
  });
  it('names the variable and value when a value does not parse or is out of range', () => {
    expect(thrown(() => readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_PORT: '80a' } })).message).toBe(
      'invalid option `port` in env SIGHTLINE_HEALTH_PORT: expected an integer from 0 to 65535, got "80a"',
    );
    expect(thrown(() => readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_PORT: '70000' } })).source).toBe(
      'env SIGHTLINE_HEALTH_PORT',
    );
    expect(
      thrown(() =>
        readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_ENABLED_: 'x', SIGHTLINE_HEALTH_ENABLED2: 'maybe' } }),
      ).option,
    ).toBe('SIGHTLINE_HEALTH_ENABLED2');
    expect(thrown(() => readEnvOptions(shape, { package: 'health', env: { SIGHTLINE_HEALTH_TOKEN: 'a b' } })).message).not.toContain('a b');
  });
  it('code options win over the environment, which wins over defaults', () => {
    const env = readEnvOptions(shape, {
      package: 'health',
      env: { SIGHTLINE_HEALTH_PORT: '9000', SIGHTLINE_HEALTH_HOST: 'envhost', SIGHTLINE_HEALTH_STATSD__UDP_PORT: '1' },
    }).options;
    const merged = mergeOptions({ port: 1, host: undefined, statsd: { tcpPort: 2 } }, env, { port: 8080, host: '127.0.0.1', mode: 'http' });
    expect(merged).toEqual({ port: 1, host: 'envhost', mode: 'http', statsd: { udpPort: 1, tcpPort: 2 } });
  });
  it('attaches a shape to a factory', () => {
    const factory = withOptionsShape((_o: unknown) => 1, shape);
    expect(optionsShapeOf(factory)).toBe(shape);
    expect(optionsShapeOf(() => 1)).toBeUndefined();
  });
});
