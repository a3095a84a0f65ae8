import { defineHooks, InvalidHooksError } from '../../src/index.js';

describe('defineHooks', () => {
  it('returns a frozen copy holding only the given hooks', () => {
    const onRequest = () => undefined;
    const hooks = defineHooks({ onRequest });
    expect(Object.isFrozen(hooks)).toBe(true);
    expect(hooks).toEqual({ onRequest });
  });

  it('refuses an unknown hook name, naming it and the valid ones', () => {
    expect(() => defineHooks({ onRequests: () => undefined } as never)).toThrow(InvalidHooksError);
    expect(() => defineHooks({ onRequests: () => undefined } as never)).toThrow(
      /Unknown hook "onRequests": expected one of onWsConnect, .*onError/,
    );
  });

  it('refuses a hook that is not a function', () => {
    expect(() => defineHooks({ onError: 'nope' } as never)).toThrow('Hook onError must be a function, got string');
    expect(() => defineHooks(null as never)).toThrow('MetricsHooks must be an object, got null');
  });
});
