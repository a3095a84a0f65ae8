// The HTTP request handler: POST /v1/batch ingest, plus GET /metrics and GET /v1/snapshot.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorText, getLogger, renderMetrics, type MetricsSource } from '@sightline/core';
import { BATCH_PATH, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@sightline/stats-protocol';
import type { BatchIngest, BatchOutcome } from '../batch/batch-ingest.js';

const log = getLogger('sightline.stats-server.http');

export const METRICS_PATH = '/metrics';
export const SNAPSHOT_PATH = '/v1/snapshot';

export interface HttpHandlerContext {
  readonly ingest: BatchIngest;
  readonly maxBodyBytes: number;
  /** When absent, /metrics and /v1/snapshot answer 404. */
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
    renderMetrics(ctx.metrics, req.headers.accept).then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        log.error('rendering /metrics failed', { error: errorText(error) });
        sendJson(res, 500, { error: 'rendering metrics failed' }, false);
      },
    );
    return;
  }
  if (ctx.snapshot && path === SNAPSHOT_PATH) {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, ctx.snapshot(), false);
  }
  sendJson(res, 404, { error: `not found: ${path.slice(0, 100)}; batches go to POST ${BATCH_PATH}` }, !req.complete);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `method not allowed: expected ${allow}` }, true);
}

function receiveBatch(ctx: HttpHandlerContext, req: IncomingMessage, res: ServerResponse): void {
  const source = `http ${req.socket.remoteAddress ?? 'unknown'}`;
  const timestamp = header(req, TIMESTAMP_HEADER);
  const signature = header(req, SIGNATURE_HEADER);
  if (timestamp === undefined || signature === undefined) {
    // No need to read a body that can never be accepted.
    return reply(req, res, ctx.ingest.unauthorized('missing', source), true);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > ctx.maxBodyBytes) {
    return reply(req, res, ctx.ingest.tooLarge(source), true);
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const onData = (chunk: Buffer) => {
    if (done) return;
    received += chunk.length;
    if (received > ctx.maxBodyBytes) {
      // Stop reading and buffering at the limit: answer now and close the connection.
      done = true;
      chunks.length = 0;
      req.off('data', onData);
      req.pause();
      reply(req, res, ctx.ingest.tooLarge(source), true);
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => {
    if (done) return;
    done = true;
    const outcome = ctx.ingest.handle(Buffer.concat(chunks, received), timestamp, signature, source);
    reply(req, res, outcome, false);
  });
  req.on('error', () => {
    // The client went away mid-body: nothing to answer.
    done = true;
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
