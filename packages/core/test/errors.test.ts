import { InvalidHooksError, OptionsError, SightlineConfigError, SightlineError } from '../src/index.js';
import { ERROR_CODE_PATTERN } from '../src/errors.js';

describe('error codes', () => {
  it('gives every instance its own class code, subclasses included', () => {
    class CustomError extends SightlineConfigError {
      static override readonly code: string = 'SIGHTLINE_ERR_CUSTOM';
    }
    expect(new SightlineError('x').code).toBe('SIGHTLINE_ERR_GENERIC');
    expect(new SightlineConfigError('x').code).toBe('SIGHTLINE_ERR_CONFIG');
    expect(new OptionsError('x').code).toBe('SIGHTLINE_ERR_OPTIONS');
    expect(new InvalidHooksError('x').code).toBe('SIGHTLINE_ERR_INVALID_HOOKS');
    const custom = new CustomError('x');
    expect(custom.code).toBe('SIGHTLINE_ERR_CUSTOM');
    expect(custom.name).toBe('CustomError');
    expect(custom).toBeInstanceOf(SightlineConfigError);
  });

  it('shows the code as an own property, as Node errors do', () => {
    const error = new OptionsError('bad port');
    expect(Object.keys(error)).toContain('code');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'SIGHTLINE_ERR_OPTIONS' });
  });

  it('matches the documented pattern', () => {
    for (const cls of [SightlineConfigError, OptionsError, InvalidHooksError]) expect(cls.code).toMatch(ERROR_CODE_PATTERN);
    expect('SIGHTLINE_ERR_').not.toMatch(ERROR_CODE_PATTERN);
    expect('sightline_err_x').not.toMatch(ERROR_CODE_PATTERN);
  });
});
