// Serving is not serializing: a node:http request handler over any MetricsSource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type MetricsSource } from '@sightline/core';
import { errorText, markToolkitRequest, serveExposition } from '@sightline/core/internal';

const log = getLogger('sightline.prometheus.handler');

/** Serves a metrics scrape on a node:http request. */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A request handler that answers GET and HEAD with the source's exposition, negotiated from the
 * `Accept` header. Mount it at `/metrics` in any node:http server (or Express, Fastify's raw mode).
 * The body is written as it renders (chunked) when the source can stream, and gzipped when the
 * scraper accepts it. A render failure answers 500 (or cuts a body already started) and is logged;
 * it never throws into the server.
 */
export function metricsHandler(source: MetricsSource): MetricsRequestHandler {
  if (!source || typeof source.render !== 'function') {
    throw new TypeError('metricsHandler(source): source must be a MetricsSource with render()');
  }
  return async (req, res) => {
    // A scrape is the toolkit's traffic, not the app's, even in the app's own server.
    markToolkitRequest(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }
    // Streamed as it renders when the source can (every Sightline source can), gzip included.
    const outcome = await serveExposition(source, req, res, { headers: NO_STORE });
    if (outcome.kind !== 'failed') return;
    log.warn('rendering metrics failed', { error: errorText(outcome.error) });
    if (outcome.replied) return;
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('metrics collection failed\n');
  };
}

const NO_STORE = Object.freeze({ 'cache-control': 'no-store' });
