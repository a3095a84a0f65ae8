import { formatAddress, redactUrl } from '../src/address.js';

describe('formatAddress', () => {
  it('joins host and port, bracketing IPv6', () => {
    expect(formatAddress('127.0.0.1', 8080)).toBe('127.0.0.1:8080');
    expect(formatAddress('::1', 443)).toBe('[::1]:443');
    expect(formatAddress(undefined, undefined)).toBe('unknown:0');
  });
});

describe('redactUrl', () => {
  it('drops credentials and the query string', () => {
    expect(redactUrl('wss://user:pw@example.com:8443/rpc?token=s3cret#x')).toBe('wss://example.com:8443/rpc');
    expect(redactUrl('not a url')).toBe('<invalid url>');
  });
});
