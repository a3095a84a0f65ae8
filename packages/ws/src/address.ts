// Formatting peers and URLs for hooks and logs.

/** `host:port`, with IPv6 hosts in brackets: `127.0.0.1:53122`, `[::1]:53122`. */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  const h = host ?? 'unknown';
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? 0}`;
}

/** A URL safe to log: no credentials, no query string (tokens often travel there). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
