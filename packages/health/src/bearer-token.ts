// Bearer token check for /metrics. Both sides are hashed first so the comparison is timing-safe and
// takes the same time whatever the length of the guess.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export type TokenVerifier = (authorization: string | undefined) => boolean;

export function bearerTokenVerifier(token: string): TokenVerifier {
  const expected = digest(token);
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match) return false;
    return timingSafeEqual(digest(match[1]!), expected);
  };
}

/**
 * The cookie a browser keeps once it has shown the token on a route page (`/status?token=`): a value
 * derived from the token with HMAC, so the cookie is not the token itself and cannot be replayed as
 * a Bearer token on /metrics.
 */
export interface RouteCookie {
  readonly value: string;
  matches(value: string | undefined): boolean;
}

export function routeCookie(token: string): RouteCookie {
  const value = createHmac('sha256', token).update('sightline route cookie v1', 'utf8').digest('base64url');
  const expected = digest(value);
  return { value, matches: (candidate) => typeof candidate === 'string' && timingSafeEqual(digest(candidate), expected) };
}

/** What a route behind the token checks: the Bearer header, and the cookie derived from the token. */
export interface RouteAuth {
  readonly verify: TokenVerifier;
  readonly cookie: RouteCookie;
}
