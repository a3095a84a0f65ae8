// Query values and credentials kept out of `url.query` and `url.full`: the semantic conventions ask
// instrumentations to replace sensitive query values with `REDACTED` and a URL's user info with
// `REDACTED:REDACTED`, since spans travel to collectors and consoles the service does not control.

/** The value a redacted query parameter or credential is recorded as. */
export const REDACTED = 'REDACTED';

/**
 * Query parameters whose values are recorded as `REDACTED` unless `redactQueryParams` says
 * otherwise: the semantic conventions' list (signed cloud URLs) and the usual names of tokens,
 * keys and passwords. Compared without regard to case.
 */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = Object.freeze([
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'auth',
  'authorization',
  'code',
  'session',
  'sessionid',
]);

/**
 * The parameter Sightline's own pages take their token in (`/status?token=`, `/metrics?token=`):
 * redacted whatever `redactQueryParams` lists.
 */
const TOOLKIT_TOKEN_PARAM = 'token';

/** Redacts the values of the listed query parameters in a query string or a whole URL. */
export class UrlRedactor {
  readonly #names: ReadonlySet<string>;

  constructor(params: readonly string[] = DEFAULT_REDACTED_QUERY_PARAMS) {
    this.#names = new Set([...params, TOOLKIT_TOKEN_PARAM].map((p) => p.toLowerCase()));
  }

  /** A query string (without the `?`) with the listed parameters' values replaced by `REDACTED`. */
  query(query: string): string {
    if (this.#names.size === 0 || query === '') return query;
    let out = '';
    let changed = false;
    let start = 0;
    while (start <= query.length) {
      let end = query.indexOf('&', start);
      if (end === -1) end = query.length;
      const part = query.slice(start, end);
      const eq = part.indexOf('=');
      if (eq !== -1 && this.#names.has(decodedName(part.slice(0, eq)))) {
        out += (start === 0 ? '' : '&') + part.slice(0, eq + 1) + REDACTED;
        changed = true;
      } else {
        out += (start === 0 ? '' : '&') + part;
      }
      start = end + 1;
    }
    return changed ? out : query;
  }

  /** A URL with its user info and the listed query parameters' values redacted; the fragment dropped. */
  full(url: string): string {
    const hash = url.indexOf('#');
    const bare = hash === -1 ? url : url.slice(0, hash);
    const q = bare.indexOf('?');
    let head = q === -1 ? bare : bare.slice(0, q);
    const authorityStart = head.indexOf('://') + 3;
    if (authorityStart > 2) {
      const slash = head.indexOf('/', authorityStart);
      const at = head.lastIndexOf('@', (slash === -1 ? head.length : slash) - 1);
      if (at >= authorityStart) head = `${head.slice(0, authorityStart)}${REDACTED}:${REDACTED}${head.slice(at)}`;
    }
    return q === -1 ? head : `${head}?${this.query(bare.slice(q + 1))}`;
  }
}

/** A parameter name as the application reads it (`api%5Fkey` is `api_key`), lower case. */
function decodedName(raw: string): string {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw.toLowerCase();
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}
