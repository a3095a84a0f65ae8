import { gunzipSync } from 'node:zlib';
import { acceptsGzip, encodeExposition, MIN_GZIP_BYTES } from '../../src/internal.js';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['GZIP;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['*;q=1, gzip;q=0', false],
    ['br, *;q=0', false],
    ['', false],
  ])('%j -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it('is false without the header and reads repeated headers', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip(['identity', 'gzip'])).toBe(true);
  });
});

describe('encodeExposition', () => {
  const body = '# TYPE x counter\n' + 'x{a="b"} 1\n'.repeat(500);

  it('gzips a body the scraper accepts gzip for, with content-encoding and vary', async () => {
    const out = await encodeExposition(body, 'gzip');
    expect(out.headers).toEqual({ 'content-encoding': 'gzip', vary: 'accept-encoding' });
    expect(out.body.length).toBeLessThan(body.length / 10);
    expect(gunzipSync(out.body).toString('utf8')).toBe(body);
  });

  it('sends it as it is otherwise, and small bodies always', async () => {
    const plain = await encodeExposition(body, 'identity');
    expect(plain.headers).toEqual({ vary: 'accept-encoding' });
    expect(plain.body.toString('utf8')).toBe(body);
    const small = 'y 1\n'.repeat(Math.floor((MIN_GZIP_BYTES - 1) / 4));
    expect((await encodeExposition(small, 'gzip')).body.toString('utf8')).toBe(small);
  });
});
