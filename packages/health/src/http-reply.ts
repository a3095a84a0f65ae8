// Writing a response the way every endpoint does: headers as a flat list (node:http writes it
// without walking an object), `Cache-Control: no-store`, the body unless the request was HEAD.
import type { ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json; charset=utf-8';
/** The methods every endpoint answers. */
export const ALLOW = 'GET, HEAD';

/** Response headers as a flat list. */
export function headersFor(contentType: string, body: string | Buffer, extra?: Record<string, string>): string[] {
  const headers = ['content-type', contentType, 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body))];
  if (extra) for (const [name, value] of Object.entries(extra)) headers.push(name, value);
  return headers;
}

/** Writes a whole response; `head` leaves the body out. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  head: boolean,
  contentType: string = JSON_TYPE,
  extra?: Record<string, string>,
): void {
  res.writeHead(status, headersFor(contentType, body, extra));
  if (head) res.end();
  else res.end(body);
}

/** The path of a request URL, without its query string; absolute-form URLs (through a proxy) too. */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  let path = url;
  if (path.charCodeAt(0) !== 47 /* / */) {
    try {
      path = new URL(path).pathname;
    } catch {
      return url;
    }
  }
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

/**
 * A 200 answer whose body changes at most once a second for a given key (/health/live's uptime and
 * timestamp, the ready answer for one cached report): built then, written as is until then.
 */
export class PerSecondReply<K> {
  readonly #body: (key: K, now: number) => string;
  #second = -1;
  #key: K | undefined;
  #headers: string[] = [];
  #text = '';

  constructor(body: (key: K, now: number) => string) {
    this.#body = body;
  }

  write(res: ServerResponse, head: boolean, key: K): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.#second || key !== this.#key) {
      this.#second = second;
      this.#key = key;
      this.#text = this.#body(key, now);
      this.#headers = headersFor(JSON_TYPE, this.#text);
    }
    res.writeHead(200, this.#headers);
    if (head) res.end();
    else res.end(this.#text);
  }
}
