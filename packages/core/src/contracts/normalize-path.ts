// Turns a request path into a low-cardinality endpoint label: ids in the path become `:id`.

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Long hex strings with at least one digit: object ids, hashes. Words such as "deadbeef" are too short.
const HEX_ID = /^(?=[a-f]*\d)[0-9a-f]{12,}$/i;

/**
 * The default endpoint normaliser: drops the query string and fragment, then replaces each path
 * segment that is a decimal number, a UUID or a hex id of 12+ characters with `:id`.
 * `/api/orders/123/items/5f1d7a9b3c2e4f6a8b9c0d1e?x=1` becomes `/api/orders/:id/items/:id`.
 */
export function normalizePath(url: string): string {
  let end = url.length;
  const q = url.indexOf('?');
  if (q >= 0) end = q;
  const h = url.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const path = end === url.length ? url : url.slice(0, end);
  if (path.length === 0) return '/';
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.length === 0) continue;
    if (NUMERIC.test(s) || UUID.test(s) || HEX_ID.test(s)) segments[i] = ':id';
  }
  const out = segments.join('/');
  return out.startsWith('/') ? out : `/${out}`;
}
