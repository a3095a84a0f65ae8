import { optionsShapeOf } from '@sightline/core/internal';
import { resolveStatusOptions, STATUS_SHAPE } from '../src/options.js';
import { createStatusPage, status, StatusConfigError } from '../src/index.js';

describe('status options (core options rule)', () => {
  test('defaults: /status, 15 minutes at 1 s', () => {
    const resolved = resolveStatusOptions();
    expect(resolved.path).toBe('/status');
    expect(resolved.capacity).toBe(900);
    expect(resolved.maxClientBufferBytes).toBe(1024 * 1024);
    expect(resolved.historyMs).toBe(900_000);
  });

  test('an unknown option names itself, where it was given, and the closest valid one', () => {
    let error: unknown;
    try {
      status({ intervalMS: 5 } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StatusConfigError);
    expect((error as Error).message).toBe('unknown option `intervalMS` in status(): did you mean `intervalMs`?');
    expect(() => createStatusPage({ maxPin: 1 } as never)).toThrow(
      /unknown option `maxPin` in createStatusPage\(\): did you mean `maxPins`\?/,
    );
  });

  test('wrong types and ranges name the option and the value', () => {
    expect(() => status({ intervalMs: 0 })).toThrow(StatusConfigError);
    expect(() => status({ intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => status({ path: 'status' })).toThrow(/path prefix such as "\/status"/);
    expect(() => status({ auth: 'open' as never })).toThrow(/auth/);
    expect(() => status({ metrics: {} as never })).toThrow(/MetricsSource/);
  });

  test('capacity follows history and interval', () => {
    expect(resolveStatusOptions({ intervalMs: 500, historyMs: 60_000 }).capacity).toBe(120);
  });

  test('setupFromEnv finds the shape on the factory', () => {
    expect(optionsShapeOf(status)).toBe(STATUS_SHAPE);
  });
});
