import { resolveStatusOptions, StatusConfigError, STATUS_DEFAULTS } from '../src/index.js';

describe('resolveStatusOptions', () => {
  test('defaults: /status, 15 minutes at 1 s', () => {
    const resolved = resolveStatusOptions();
    expect(resolved.path).toBe('/status');
    expect(resolved.capacity).toBe(900);
    expect(resolved.maxClientBufferBytes).toBe(STATUS_DEFAULTS.maxClientBufferBytes);
  });

  test('an unknown option names itself and the closest valid one', () => {
    expect(() => resolveStatusOptions({ intervalMS: 5 } as never)).toThrow(new StatusConfigError('unknown option `intervalMS` in status(): did you mean `intervalMs`?'));
    expect(() => resolveStatusOptions({ zzzzzzzzz: 1 } as never)).toThrow(/unknown option `zzzzzzzzz` in status\(\); valid options: path, auth/);
  });

  test('wrong types and ranges name the option and the value', () => {
    expect(() => resolveStatusOptions({ intervalMs: 0 })).toThrow('status(): intervalMs must be an integer from 10 to 60000, got 0');
    expect(() => resolveStatusOptions({ path: 'status' })).toThrow(/path must be a path prefix such as "\/status", got "status"/);
    expect(() => resolveStatusOptions({ auth: 'open' as never })).toThrow(StatusConfigError);
    expect(() => resolveStatusOptions({ metrics: {} as never })).toThrow(/MetricsSource/);
  });

  test('capacity follows history and interval', () => {
    expect(resolveStatusOptions({ intervalMs: 500, historySeconds: 60 }).capacity).toBe(120);
  });
});
