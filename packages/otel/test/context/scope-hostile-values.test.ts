// Telemetry never changes what user code throws, and never stops user code from running: values
// the span cannot describe and attributes that cannot be read cost the span detail, nothing more.
import { SpanStatusCode } from '@opentelemetry/api';
import { OpenTelemetry, scope } from '../../src/index.js';
import { captureLogs, configureInMemory, type InMemoryTelemetry } from '../helpers.js';

const hostileThrowables = (): Array<readonly [string, unknown]> => [
  ['a null-prototype object', Object.assign(Object.create(null) as object, { code: 7 })],
  [
    'a value whose toString throws',
    {
      toString: () => {
        throw new Error('no text');
      },
    },
  ],
  [
    'a Proxy whose every trap throws',
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    ),
  ],
  ['a Symbol', Symbol('thrown')],
];

describe("scope never replaces the caller's error", () => {
  let t: InMemoryTelemetry;
  beforeEach(() => {
    t = configureInMemory();
  });
  afterEach(() => OpenTelemetry.resetForTesting());

  it.each(hostileThrowables())('a sync throw of %s reaches the caller as the same value', (_name, thrown) => {
    let caught: unknown;
    try {
      scope('sync', () => {
        throw thrown;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    const span = t.span('sync');
    expect(span.ended).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it.each(hostileThrowables())('an async rejection with %s reaches the caller as the same value', async (_name, thrown) => {
    // Held in a variable: returning a hostile Proxy from a handler would make the test's own promise look up `then`.
    let settled: unknown = 'resolved';
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- hostile values on purpose
    await scope('async', () => Promise.reject(thrown)).then(
      () => undefined,
      (error: unknown) => {
        settled = error;
      },
    );
    expect(settled).toBe(thrown);
    expect(t.span('async').ended).toBe(true);
  });
});

describe('attributes that cannot be read never stop fn from running', () => {
  let t: InMemoryTelemetry;
  beforeEach(() => {
    t = configureInMemory();
  });
  afterEach(() => OpenTelemetry.resetForTesting());

  const hostileAttributes = (): Array<readonly [string, object]> => [
    [
      'a throwing getter',
      Object.defineProperty({ ok: 1 }, 'bad', {
        enumerable: true,
        get: () => {
          throw new Error('getter');
        },
      }),
    ],
    [
      'a Proxy whose ownKeys trap throws',
      new Proxy(
        { ok: 1 },
        {
          ownKeys: () => {
            throw new Error('ownKeys');
          },
        },
      ),
    ],
    [
      'a Proxy whose get trap throws',
      new Proxy(
        { ok: 1 },
        {
          get: () => {
            throw new Error('get');
          },
        },
      ),
    ],
    [
      'a getter that throws on its second read',
      (() => {
        let reads = 0;
        return Object.defineProperty({}, 'flaky', {
          enumerable: true,
          get: () => {
            if (++reads > 1) throw new Error('second read');
            return 'v';
          },
        });
      })(),
    ],
  ];

  it.each(hostileAttributes())('with %s: fn runs, returns its value, and the span exists', (_name, attributes) => {
    const logs = captureLogs();
    try {
      let ran = false;
      const value = scope(`attrs ${_name}`, { attributes: attributes as never }, () => {
        ran = true;
        return 'value';
      });
      expect(ran).toBe(true);
      expect(value).toBe('value');
      expect(t.span(`attrs ${_name}`).ended).toBe(true);
      expect(logs.records.some((r) => r.level === 'warn' && r.message.includes('attributes could not be read'))).toBe(true);
    } finally {
      logs.restore();
    }
  });
});
