// Writing a MetricsSource to an HTTP response: the one way every Sightline server answers a scrape.
// A source that streams is written as it renders, through gzip when the scraper accepts it, so no
// step is proportional to the whole body; any other source is rendered whole, then encoded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip, type Gzip } from 'node:zlib';
import { acceptsGzip, encodeExposition } from './exposition-encoding.js';
import { negotiateFormat } from './format-negotiation.js';
import { contentTypeOf, renderMetrics, type ChunkWriter, type ExpositionFormat, type MetricsSource } from './metrics-source.js';
import { settleWithin } from '../util/settle-within.js';

/** Options of `serveExposition()`. */
export interface ServeExpositionOptions {
  /**
   * Longest wait for the body to start (a whole render, or a streamed render's first chunk); past
   * it nothing has been sent, the render is abandoned and the outcome is `timeout`. Default: none.
   */
  readonly timeoutMs?: number;
  /** Headers added to a 200 answer (e.g. `cache-control`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * How a scrape ended. `timeout` and `failed` with `replied: false` sent nothing: the caller answers
 * (503, 500) in its own style. `failed` with `replied: true` had started the body and was cut short,
 * so the scraper sees a failed scrape rather than a truncated one.
 */
export type ServeOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'failed'; readonly error: unknown; readonly replied: boolean };

const SENT: ServeOutcome = Object.freeze({ kind: 'sent' });
const GONE: ServeOutcome = Object.freeze({ kind: 'gone' });
const TIMEOUT: ServeOutcome = Object.freeze({ kind: 'timeout' });

/**
 * Answers a GET or HEAD scrape with `source`'s exposition in the format the `Accept` header asks for
 * (when the source renders it), gzip-encoded when `Accept-Encoding` allows. Never throws: what went
 * wrong is the outcome.
 */
export function serveExposition(
  source: MetricsSource,
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeExpositionOptions = {},
): Promise<ServeOutcome> {
  const asked = negotiateFormat(req.headers.accept);
  const formats = source.formats;
  if (source.renderChunks && formats && formats.length > 0) {
    const format = formats.includes(asked) ? asked : formats[0]!;
    return streamExposition(source, format, req, res, options);
  }
  return serveWhole(source, req, res, options);
}

/**
 * A promise for a chunk handed to `target` (written, or the body ended with it): settles once the
 * stream took it, or the response is gone.
 */
function handOver(target: NodeJS.WritableStream, chunk: Buffer, res: ServerResponse, last: boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    if (last) target.end(chunk, done);
    else target.write(chunk, done);
  });
}

async function streamExposition(
  source: MetricsSource,
  format: ExpositionFormat,
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeExpositionOptions,
): Promise<ServeOutcome> {
  const headers: Record<string, string> = { 'content-type': contentTypeOf(format), vary: 'accept-encoding', ...options.headers };
  if (req.method === 'HEAD') return measureForHead(source, format, res, headers, options);
  const wantsGzip = acceptsGzip(req.headers['accept-encoding']);
  // The scraper went away (or the wait for the first chunk ran out): stop rendering for it.
  const stop = new AbortController();
  let zip: Gzip | undefined;
  const onClose = (): void => {
    if (res.writableFinished) return;
    stop.abort();
    zip?.destroy();
  };
  res.once('close', onClose);
  let started = false;
  let ended = false;
  let timedOut = false;
  // A render that never produces its first chunk is not waited for past the bound.
  let onTimeout: (outcome: ServeOutcome) => void = () => undefined;
  const waited = new Promise<ServeOutcome>((resolve) => (onTimeout = resolve));
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          if (started) return;
          timedOut = true;
          stop.abort();
          onTimeout(TIMEOUT);
        }, options.timeoutMs);

  const begin = (): NodeJS.WritableStream => {
    started = true;
    if (timer) clearTimeout(timer);
    if (wantsGzip) {
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
      // Compression runs on libuv's thread pool; its write callbacks carry the socket's backpressure back.
      zip = createGzip({ level: 6 });
      zip.on('error', () => res.destroy());
      zip.pipe(res);
      return zip;
    }
    res.writeHead(200, headers);
    return res;
  };

  const write: ChunkWriter = (chunk, last) => {
    if (stop.signal.aborted) return;
    if (!started && last) {
      // The whole body in one chunk: sent with its length, compressed in one go when worth it.
      started = true;
      ended = true;
      if (timer) clearTimeout(timer);
      return encodeExposition(chunk, wantsGzip ? req.headers['accept-encoding'] : undefined).then((encoded) => {
        res.writeHead(200, { ...headers, 'content-length': String(encoded.body.length), ...encoded.headers });
        return handOver(res, encoded.body, res, true);
      });
    }
    const target = started ? (zip ?? res) : begin();
    if (!last) return handOver(target, chunk, res, false);
    ended = true;
    return handOver(target, chunk, res, true);
  };

  const run = async (): Promise<ServeOutcome> => {
    try {
      await source.renderChunks!(format, write, { signal: stop.signal });
      if (timedOut) return TIMEOUT;
      if (stop.signal.aborted) return res.writableFinished ? SENT : GONE;
      // A source that ended without saying which chunk was the last: end the answer all the same.
      if (!ended) await write(Buffer.alloc(0), true);
      return SENT;
    } catch (error) {
      if (timedOut) return TIMEOUT;
      if (!started) return { kind: 'failed', error, replied: false };
      // Part of the body is out: cut it short so the scraper sees a failed scrape, not a truncated one.
      zip?.destroy();
      res.destroy();
      return { kind: 'failed', error, replied: true };
    } finally {
      if (timer) clearTimeout(timer);
      res.off('close', onClose);
    }
  };
  return Promise.race([run(), waited]);
}

/**
 * A HEAD answered with the headers a GET of the identity body would carry, its length included:
 * the body is rendered to be measured, each chunk dropped once counted.
 */
async function measureForHead(
  source: MetricsSource,
  format: ExpositionFormat,
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
  options: ServeExpositionOptions,
): Promise<ServeOutcome> {
  let bytes = 0;
  const measuring = source.renderChunks!(format, (chunk) => {
    bytes += chunk.length;
  });
  try {
    if (options.timeoutMs === undefined) await measuring;
    else {
      measuring.catch(() => undefined);
      if ((await settleWithin(measuring, options.timeoutMs)).timedOut) return TIMEOUT;
    }
  } catch (error) {
    return { kind: 'failed', error, replied: false };
  }
  if (res.destroyed) return GONE;
  res.writeHead(200, { ...headers, 'content-length': String(bytes) });
  res.end();
  return SENT;
}

async function serveWhole(
  source: MetricsSource,
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeExpositionOptions,
): Promise<ServeOutcome> {
  let contentType: string;
  let body: string;
  try {
    const rendering = renderMetrics(source, req.headers.accept);
    if (options.timeoutMs === undefined) ({ contentType, body } = await rendering);
    else {
      // Abandoned on timeout: its failure, if it comes, is of no one's concern any more.
      rendering.catch(() => undefined);
      const settled = await settleWithin(rendering, options.timeoutMs);
      if (settled.timedOut) return TIMEOUT;
      ({ contentType, body } = settled.value);
    }
  } catch (error) {
    return { kind: 'failed', error, replied: false };
  }
  if (res.destroyed) return GONE;
  const encoded = await encodeExposition(body, req.headers['accept-encoding']);
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': String(encoded.body.length),
    ...options.headers,
    ...encoded.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : encoded.body);
  return SENT;
}
