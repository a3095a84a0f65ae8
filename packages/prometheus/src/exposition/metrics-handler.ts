// Serving is not serializing: a node:http request handler over any MetricsSource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type MetricsSource } from '@sightline/core';
import { encodeExposition, errorText, renderMetrics } from '@sightline/core/internal';
import type { NegotiatingMetricsSource } from '@sightline/exposition';
import { yieldToEventLoop } from '@sightline/exposition/internal';

const log = getLogger('sightline.prometheus.handler');

/** Serves a metrics scrape on a node:http request. */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A request handler that answers GET and HEAD with the source's exposition, negotiated from the
 * `Accept` header. Mount it at `/metrics` in any node:http server (or Express, Fastify's raw mode).
 * The body is gzipped when the scraper accepts it. A render failure answers 500 and is logged; it
 * never throws into the server.
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
    let contentType: string;
    let body: Buffer;
    try {
      if (typeof (source as Partial<NegotiatingMetricsSource>).negotiateBytes === 'function') {
        // Our own sources render straight to bytes.
        ({ contentType, body } = await (source as NegotiatingMetricsSource).negotiateBytes(req.headers.accept));
      } else {
        const exposition = await renderMetrics(source, req.headers.accept);
        contentType = exposition.contentType;
        body = Buffer.from(exposition.body, 'utf8');
      }
    } catch (error) {
      log.warn('rendering metrics failed', { error: errorText(error) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('metrics collection failed\n');
      return;
    }
    const encoded = await encodeExposition(body, req.headers['accept-encoding']);
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': encoded.body.length,
      'Cache-Control': 'no-store',
      ...encoded.headers,
    });
    if (req.method === 'HEAD') res.end();
    else await writeInChunks(res, encoded.body);
  };
}

/** Bodies above this are written a chunk at a time, so one large write does not hold the event loop. */
const CHUNK_BYTES = 256 * 1024;

async function writeInChunks(res: ServerResponse, body: Buffer): Promise<void> {
  if (body.length <= CHUNK_BYTES) {
    res.end(body);
    return;
  }
  for (let offset = 0; offset < body.length; offset += CHUNK_BYTES) {
    const chunk = body.subarray(offset, offset + CHUNK_BYTES);
    if (offset + CHUNK_BYTES >= body.length) {
      res.end(chunk);
      return;
    }
    if (!res.write(chunk)) {
      // The scraper reads slower than we write: wait for it (or for the connection to go).
      const drained = await new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => () => {
          res.off('drain', onDrain);
          res.off('close', onClose);
          resolve(ok);
        };
        const onDrain = done(true);
        const onClose = done(false);
        res.once('drain', onDrain);
        res.once('close', onClose);
      });
      if (!drained) return;
    } else {
      await yieldToEventLoop();
    }
  }
}
