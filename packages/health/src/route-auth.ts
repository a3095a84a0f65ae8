// How a browser proves it holds the /metrics token on a route such as /status: the Authorization
// header, or a cookie set once from `?token=` (the redirect takes the token out of the address bar).
// The cookie holds a value derived from the token (see routeCookie), never the token.
import type { IncomingMessage } from 'node:http';
import type { RouteCookie, TokenVerifier } from './bearer-token.js';

export const TOKEN_COOKIE = 'sightline_token';

export type RouteAuthorization =
  { readonly kind: 'allowed' } | { readonly kind: 'denied' } | { readonly kind: 'redirect'; readonly location: string };

function cookieValue(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function routeAuthorization(req: IncomingMessage, verify: TokenVerifier, cookie: RouteCookie): RouteAuthorization {
  if (req.headers.authorization !== undefined) return verify(req.headers.authorization) ? { kind: 'allowed' } : { kind: 'denied' };
  if (cookie.matches(cookieValue(req.headers.cookie))) return { kind: 'allowed' };
  const url = new URL(req.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && verify(`Bearer ${fromQuery}`)) {
    url.searchParams.delete('token');
    return { kind: 'redirect', location: `${url.pathname}${url.search}` };
  }
  return { kind: 'denied' };
}
