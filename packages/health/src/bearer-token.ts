// Bearer token check for /metrics. Both sides are hashed first so the comparison is timing-safe and
// takes the same time whatever the length of the guess.
import { createHash, timingSafeEqual } from 'node:crypto';

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
