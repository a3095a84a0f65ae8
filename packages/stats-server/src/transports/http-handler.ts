// The HTTP request handler: POST /v1/batch ingest, plus GET /metrics and GET /v1/snapshot.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type MetricsSource } from '@sightline/core';
import { errorText, serveExposition } from '@sightline/core/internal';
import { BATCH_PATH, checkSignatureHeaders, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@sightline/stats-protocol';
import type { MemoryBudget } from '../aggregation/memory-budget.js';
import type { BatchIngest, BatchOutcome } from '../batch/batch-ingest.js';
import type { IngestCounters } from '../ingest-stats.js';

const log = getLogger('sightline.stats-server.http');

/** Where the server serves its Prometheus exposition. */
export const METRICS_PATH = '/metrics';
/** Where the server serves its JSON snapshot. */
export const SNAPSHOT_PATH = '/v1/snapshot';

export interface HttpHandlerContext {
  readonly ingest: BatchIngest;
  readonly counters: IngestCounters;
  readonly maxBodyBytes: number;
  readonly maxSkewMs: number;
  /** Bodies being received are reserved from it. */
  readonly budget: MemoryBudget;
  /** The whole request must arrive within it: 408 and the connection closed otherwise. */
  readonly requestTimeoutMs: number;
  readonly now?: () => number;
  /** When absent, /metrics and /v1/snapshot answer 404. The server's own source streams its render. */
  readonly metrics?: MetricsSource;
  readonly snapshot?: () => unknown;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

export function createHttpHandler(ctx: HttpHandlerContext): RequestHandler {
  return (req, res) => {
    try {
      route(ctx, req, res);
    } catch (error) {
      // Never reached by design; if it is, the request fails and the server stays up.
      log.error('request handler failed', { error: errorText(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' }, true);
      else res.destroy();
    }
  };
}

function route(ctx: HttpHandlerContext, req: IncomingMessage, res: ServerResponse): void {
  const path = pathOf(req.url);
  if (path === BATCH_PATH) {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    return receiveBatch(ctx, req, res);
  }
  if (ctx.metrics && path === METRICS_PATH) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    return serveMetrics(ctx.metrics, req, res);
  }
  if (ctx.snapshot && path === SNAPSHOT_PATH) {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, ctx.snapshot(), false);
  }
  sendJson(res, 404, { error: `not found: ${path.slice(0, 100)}; batches go to POST ${BATCH_PATH}` }, !req.complete);
}

/**
 * The exposition through core's one scrape writer: the server's own source streams as it renders
 * (chunk by chunk, each chunk's buffer reused once the socket has taken it, gzip when the scraper
 * accepts it), so a scrape holds two chunks, not the whole body the memory budget lets grow to tens of MB.
 */
function serveMetrics(source: MetricsSource, req: IncomingMessage, res: ServerResponse): void {
  void serveExposition(source, req, res).then((outcome) => {
    if (outcome.kind !== 'failed') return;
    log.error('rendering /metrics failed', { error: errorText(outcome.error) });
    if (!outcome.replied) sendJson(res, 500, { error: 'rendering metrics failed' }, false);
  });
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `method not allowed: expected ${allow}` }, true);
}

function receiveBatch(ctx: HttpHandlerContext, req: IncomingMessage, res: ServerResponse): void {
  const source = `http ${req.socket.remoteAddress ?? 'unknown'}`;
  const timestamp = header(req, TIMESTAMP_HEADER);
  const signature = header(req, SIGNATURE_HEADER);
  // No need to read a body that can never be accepted: headers missing, malformed or stale.
  const early = checkSignatureHeaders({ timestamp, signature, nowMs: (ctx.now ?? Date.now)(), maxSkewMs: ctx.maxSkewMs });
  if (early !== 'ok') return reply(req, res, ctx.ingest.unauthorized(early, source), true);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > ctx.maxBodyBytes) {
    return reply(req, res, ctx.ingest.tooLarge(source), true);
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let reserved = 0;
  let done = false;
  const finish = () => {
    done = true;
    clearTimeout(timer);
    chunks.length = 0;
    ctx.budget.release(reserved);
    reserved = 0;
    req.off('data', onData);
  };
  // Stop reading and buffering: answer now and close the connection.
  const refuse = (outcome: BatchOutcome) => {
    finish();
    req.pause();
    reply(req, res, outcome, true);
  };
  // A body known in advance is reserved whole; a chunked one as it comes.
  if (Number.isFinite(declared) && declared > 0) {
    if (!ctx.budget.tryReserve(declared)) return reply(req, res, ctx.ingest.unavailable('memory budget full: body not read', source), true);
    reserved = declared;
  }
  const timer = setTimeout(() => {
    if (done || req.socket.destroyed) return;
    ctx.counters.requestsTimedOut++;
    finish();
    req.pause();
    sendJson(res, 408, { error: `request not received within requestTimeoutMs (${ctx.requestTimeoutMs} ms)` }, true);
    res.once('finish', () => req.socket.destroySoon());
  }, ctx.requestTimeoutMs);
  const onData = (chunk: Buffer) => {
    if (done) return;
    received += chunk.length;
    if (received > ctx.maxBodyBytes) return refuse(ctx.ingest.tooLarge(source));
    if (received > reserved) {
      if (!ctx.budget.tryReserve(received - reserved)) return refuse(ctx.ingest.unavailable('memory budget full: body not read', source));
      reserved = received;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => {
    if (done) return;
    const body = Buffer.concat(chunks, received);
    finish();
    reply(req, res, ctx.ingest.handle(body, timestamp, signature, source), false);
  });
  // The client went away mid-body: nothing to answer, the reservation goes back.
  req.on('error', () => {
    if (!done) finish();
  });
  req.on('close', () => {
    if (!done) finish();
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function reply(req: IncomingMessage, res: ServerResponse, outcome: BatchOutcome, closeAfter: boolean): void {
  const { status } = outcome;
  const body =
    status === 200
      ? { accepted: outcome.accepted, rejected: outcome.rejected, errors: outcome.errors ?? [] }
      : { error: outcome.error ?? 'error' };
  sendJson(res, status, body, closeAfter);
  if (closeAfter) {
    // The rest of the body is never read: once the answer is out, drop the connection.
    res.once('finish', () => req.socket.destroySoon());
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown, closeConnection: boolean): void {
  if (res.headersSent || res.writableEnded) return;
  const body = JSON.stringify(value);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
