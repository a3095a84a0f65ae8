import { DEFAULT_REDACTED_QUERY_PARAMS, UrlRedactor } from '../../src/http/url-redaction.js';
import { splitTarget } from '../../src/http/http-semconv.js';

describe('UrlRedactor', () => {
  const redact = new UrlRedactor();

  it.each([
    ['token=tok-SECRET-123', 'token=REDACTED'],
    ['page=2&TOKEN=abc&sort=asc', 'page=2&TOKEN=REDACTED&sort=asc'],
    ['api%5Fkey=k1&x=1', 'api%5Fkey=REDACTED&x=1'],
    ['Signature=s&AWSAccessKeyId=a&Expires=9', 'Signature=REDACTED&AWSAccessKeyId=REDACTED&Expires=9'],
    ['password=&q=a', 'password=REDACTED&q=a'],
    ['token&q=a', 'token&q=a'],
    ['q=token%3Dx', 'q=token%3Dx'],
    ['a=1&&sig=2&', 'a=1&&sig=REDACTED&'],
    ['%E0%A4%A=1', '%E0%A4%A=1'],
  ])('query %j is recorded as %j', (query, expected) => {
    expect(redact.query(query)).toBe(expected);
  });

  it('returns the same string when nothing is redacted', () => {
    const query = 'page=2&sort=asc';
    expect(redact.query(query)).toBe(query);
  });

  it.each([
    [
      'https://user:pw@api.example:8443/v1/x?sig=abc&n=1#access_token=zzz',
      'https://REDACTED:REDACTED@api.example:8443/v1/x?sig=REDACTED&n=1',
    ],
    ['http://127.0.0.1:9/status?token=t', 'http://127.0.0.1:9/status?token=REDACTED'],
    ['http://host/a@b?x=1', 'http://host/a@b?x=1'],
    ['http://u@host', 'http://REDACTED:REDACTED@host'],
  ])('url %j is recorded as %j', (url, expected) => {
    expect(redact.full(url)).toBe(expected);
  });

  it('a list of its own replaces the defaults, and the toolkit token is redacted whatever it lists', () => {
    const own = new UrlRedactor(['Session-Id']);
    expect(own.query('session-id=s&api_key=k&token=t')).toBe('session-id=REDACTED&api_key=k&token=REDACTED');
    expect(new UrlRedactor([]).query('api_key=k&token=t')).toBe('api_key=k&token=REDACTED');
    expect(DEFAULT_REDACTED_QUERY_PARAMS).toEqual(
      expect.arrayContaining(['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature', 'token']),
    );
  });
});

describe('splitTarget', () => {
  it.each([
    ['/orders/7?x=1', '/orders/7', 'x=1'],
    ['http://evil.example/x', '/x', undefined],
    ['HTTP://evil.example:80/x/y?z=1', '/x/y', 'z=1'],
    ['http://evil.example', '/', undefined],
    ['http://evil.example?q=1', '/', 'q=1'],
    ['*', '*', undefined],
  ])('%j has path %j and query %j', (target, path, query) => {
    expect(splitTarget(target)).toEqual({ path, query });
  });
});
