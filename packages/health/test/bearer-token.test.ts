import { bearerTokenVerifier } from '../src/bearer-token.js';

describe('bearerTokenVerifier', () => {
  const verify = bearerTokenVerifier('s3cr3t-token');

  it('accepts the token in an Authorization: Bearer header, scheme in any case', () => {
    expect(verify('Bearer s3cr3t-token')).toBe(true);
    expect(verify('bearer s3cr3t-token')).toBe(true);
  });

  it('refuses a missing, wrong, prefixed or differently-schemed token', () => {
    expect(verify(undefined)).toBe(false);
    expect(verify('')).toBe(false);
    expect(verify('Bearer s3cr3t-tokenX')).toBe(false);
    expect(verify('Bearer s3cr3t')).toBe(false);
    expect(verify('Basic s3cr3t-token')).toBe(false);
    expect(verify('s3cr3t-token')).toBe(false);
  });
});
