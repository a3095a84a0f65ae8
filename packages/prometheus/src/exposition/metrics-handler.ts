// Serving is not serializing: a node:http request handler over any MetricsSource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, renderMetrics, type MetricsSource } from '@sightline/core';

const log = getLogger('sightline.prometheus.handler');

export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A request handler that answers GET and HEAD with the source's exposition, negotiated from the
 * `Accept` header. Mount it at `/metrics` in any node:http server (or Express, Fastify's raw mode).
 * A render failure answers 500 and is logged; it never throws into the server.
 */
export function metricsHandler(source: MetricsSource): MetricsRequestHandler {
  if (!source || typeof source.render !== 'function') {
    throw new TypeError('metricsHandler(source): source must be a MetricsSource with render()');
  }
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }
    let exposition;
    try {
      exposition = await renderMetrics(source, req.headers.accept);
    } catch (error) {
      log.warn('rendering metrics failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('metrics collection failed\n');
      return;
    }
    // Encoded once: the length and the bytes written come from the same pass.
    const body = Buffer.from(exposition.body, 'utf8');
    res.writeHead(200, {
      'Content-Type': exposition.contentType,
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
