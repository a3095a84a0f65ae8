// Compressing a /metrics body for scrapers that accept gzip: one rule for every server that serves one.
import { gzip } from 'node:zlib';

/** Bodies smaller than this are sent as they are: gzip would cost more than it saves. */
export const MIN_GZIP_BYTES = 1024;

/** A body ready for the socket, with the headers that describe its encoding. */
export interface EncodedExposition {
  /** The exposition, compressed when `headers` says so. */
  readonly body: Buffer;
  /** `content-encoding` (when compressed) and `vary`, lower-case. */
  readonly headers: Readonly<Record<string, string>>;
}

const VARY = Object.freeze({ vary: 'accept-encoding' });
const GZIPPED = Object.freeze({ 'content-encoding': 'gzip', vary: 'accept-encoding' });

/**
 * Whether an `Accept-Encoding` header allows gzip: `gzip` (or `x-gzip`, or `*` when gzip is not
 * named) with a quality above 0. Prometheus sends `Accept-Encoding: gzip`.
 */
export function acceptsGzip(acceptEncoding: string | readonly string[] | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  const header = typeof acceptEncoding === 'string' ? acceptEncoding : acceptEncoding.join(',');
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.split(';');
    const name = token.trim().toLowerCase();
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') {
        const parsed = Number(value?.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (name === '*') anyQ = Math.max(anyQ ?? 0, q);
    else gzipQ = Math.max(gzipQ ?? 0, q);
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

/**
 * The body as a server should send it: gzip-compressed (on libuv's thread pool, off the event loop)
 * when the scraper accepts gzip and the body is worth compressing, else as it is.
 */
export function encodeExposition(
  body: Buffer | string,
  acceptEncoding: string | readonly string[] | undefined,
): Promise<EncodedExposition> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length < MIN_GZIP_BYTES || !acceptsGzip(acceptEncoding)) return Promise.resolve({ body: bytes, headers: VARY });
  return new Promise((resolve) => {
    gzip(bytes, { level: 6 }, (error, compressed) => {
      // A compression failure is no reason to fail the scrape: send it plain.
      resolve(error ? { body: bytes, headers: VARY } : { body: compressed, headers: GZIPPED });
    });
  });
}
