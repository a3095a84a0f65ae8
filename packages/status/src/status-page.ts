// The request side of the page: the HTML, script and style, the event stream, and the small JSON
// API the pin picker uses. Read-only: GET and HEAD only (the health server answers the rest 405).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type HttpRoute, type RouteHost, type SpanSink } from '@sightline/core';
import { errorText, markToolkitRequest } from '@sightline/core/internal';
import { loadPageAssets, type PageAsset, type PageAssets } from './page-assets.js';
import { resolveStatusOptions, type StatusConfig, type StatusOptions } from './options.js';
import { StatusEngine, type StatusStats } from './status-engine.js';

const log = getLogger('sightline.status');

/** Everything the page loads comes from its own origin; no inline script or style. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
});

/** A live status page (charts, health timeline, recent traces) with its sampler. */
export interface StatusPage {
  /** Mount it in the health server: `createHealthServer({ routes: [page.route] })`. */
  readonly route: HttpRoute;
  /** Give it to OpenTelemetry (`new SpanSinkProcessor(page.spanSink)`) for the recent traces. */
  readonly spanSink: SpanSink;
  /** Where the page is served, e.g. `/status`. */
  readonly path: string;
  /**
   * Serves a request under `path` in any node:http server or Express-style app; other paths go to
   * `next` (404 without it). No token check here: the server that mounts it decides who may see it.
   */
  handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  /** Starts sampling (the health server does it when it mounts the route; a request does it too). */
  start(): Promise<void>;
  /**
   * Stops sampling and ends every stream. A request served afterwards starts sampling again.
   * Every call returns the same resolved promise.
   */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
  /** One sampling round now (the timer does this every interval). */
  sample(): Promise<void>;
  /** What the page holds and has counted. */
  stats(): StatusStats;
}

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  if (head) res.end();
  else res.end(text);
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: PageAsset, head: boolean): void {
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, { ...SECURITY_HEADERS, etag: asset.etag });
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzipped : asset.body;
  const headers: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    'content-type': asset.contentType,
    'cache-control': 'no-cache',
    etag: asset.etag,
    vary: 'accept-encoding',
    'content-length': body.length,
  };
  if (gzip) headers['content-encoding'] = 'gzip';
  res.writeHead(200, headers);
  if (head) res.end();
  else res.end(body);
}

/** `label=k=v` repeated, or `labels={"k":"v"}`. */
function labelsFrom(params: URLSearchParams): Record<string, string> | string {
  const labels: Record<string, string> = {};
  const json = params.get('labels');
  if (json !== null && json !== '') {
    try {
      const parsed: unknown = JSON.parse(json);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return 'labels must be a JSON object of label names to values';
      for (const [k, v] of Object.entries(parsed)) {
        if (typeof v !== 'string') return `label ${JSON.stringify(k)} must have a string value`;
        labels[k] = v;
      }
    } catch {
      return 'labels must be a JSON object of label names to values';
    }
  }
  for (const pair of params.getAll('label')) {
    const eq = pair.indexOf('=');
    if (eq < 1) return `label ${JSON.stringify(pair)} must be name=value`;
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** What `close()` returns: stopping the sampler is synchronous. */
const DONE: Promise<void> = Promise.resolve();

class StatusPageImpl implements StatusPage {
  readonly route: HttpRoute;
  readonly spanSink: SpanSink;
  readonly path: string;
  readonly #engine: StatusEngine;
  /** Read on first use; `undefined` when the package was not built. */
  #assets: PageAssets | undefined | null = null;

  constructor(config: StatusConfig, engine: StatusEngine) {
    this.#engine = engine;
    this.path = config.path;
    this.spanSink = engine.spans;
    this.route = Object.freeze({
      path: config.path,
      auth: config.auth,
      handle: (req: IncomingMessage, res: ServerResponse) => this.#handleSafely(req, res),
      attach: (host: RouteHost) => {
        engine.setHost(host);
        engine.start();
      },
      detach: () => {
        engine.setHost(undefined);
        engine.stop();
      },
    });
  }

  handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void {
    const base = this.path;
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== base && !path.startsWith(`${base}/`)) {
      if (next) next();
      else sendJson(res, 404, { error: 'not_found', message: `no page at ${path}; the status page is at ${base}` }, req.method === 'HEAD');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      const message = `${String(req.method)} is not allowed on ${path}; the status page is read-only`;
      sendJson(res, 405, { error: 'method_not_allowed', message }, false);
      return;
    }
    this.#engine.start();
    this.#handleSafely(req, res);
  }

  start(): Promise<void> {
    this.#engine.start();
    return DONE;
  }

  close(): Promise<void> {
    this.#engine.stop();
    return DONE;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  sample(): Promise<void> {
    return this.#engine.tick();
  }

  stats(): StatusStats {
    return this.#engine.stats();
  }

  #pageAssets(): PageAssets | undefined {
    if (this.#assets === null) {
      this.#assets = loadPageAssets(this.path);
      if (!this.#assets) log.error('the status page was not built (dist/static is missing); run the package build');
    }
    return this.#assets;
  }

  #handleSafely(req: IncomingMessage, res: ServerResponse): void {
    // The page, its API and its stream are the toolkit's traffic, wherever they are mounted.
    markToolkitRequest(req);
    try {
      this.#serve(req, res);
    } catch (error) {
      log.error('the status page failed a request', { error: errorText(error) });
      if (!res.headersSent)
        sendJson(res, 500, { error: 'internal_error', message: 'the status page failed; see the sightline.status log' }, false);
      else res.destroy();
    }
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const head = req.method === 'HEAD';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sub = url.pathname.slice(this.path.length);
    if (sub === '/events') this.#serveEvents(req, res, head);
    else if (sub.startsWith('/api/')) this.#serveApi(sub, url, res, head);
    else this.#serveAsset(sub, url, req, res, head);
  }

  #serveEvents(req: IncomingMessage, res: ServerResponse, head: boolean): void {
    if (head) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      res.end();
      return;
    }
    this.#engine.hub.open(req, res, SECURITY_HEADERS, this.#engine.initialFrames());
  }

  /** The small JSON API of the pin picker. */
  #serveApi(sub: string, url: URL, res: ServerResponse, head: boolean): void {
    const engine = this.#engine;
    switch (sub) {
      case '/api/metrics':
        engine.listMetrics().then(
          (list) => sendJson(res, 200, list, head),
          (error: unknown) => {
            const message = `reading the metrics failed: ${error instanceof Error ? error.message : String(error)}`;
            sendJson(res, 503, { error: 'metrics_unavailable', message }, head);
          },
        );
        return;
      case '/api/pins':
        sendJson(res, 200, { pins: engine.pins() }, head);
        return;
      case '/api/pin':
        this.#pin(url, res, head);
        return;
      case '/api/unpin': {
        const series = url.searchParams.get('series') ?? '';
        if (engine.unpin(series)) sendJson(res, 200, { unpinned: series }, head);
        else sendJson(res, 404, { error: 'not_pinned', message: `no pinned series ${JSON.stringify(series)}` }, head);
        return;
      }
      default:
        this.#notFound(url, res, head);
    }
  }

  #pin(url: URL, res: ServerResponse, head: boolean): void {
    const metric = url.searchParams.get('metric');
    if (metric === null || metric === '') {
      const message = `${this.path}/api/pin needs ?metric=<name>, and label=<name>=<value> for each label that picks the series`;
      sendJson(res, 400, { error: 'missing_metric', message }, head);
      return;
    }
    const labels = labelsFrom(url.searchParams);
    if (typeof labels === 'string') {
      sendJson(res, 400, { error: 'invalid_labels', message: labels }, head);
      return;
    }
    // pin() answers every failure as a result; it never rejects.
    void this.#engine.pin(metric, labels).then((result) => {
      if (result.ok) sendJson(res, 200, { pinned: result.meta }, head);
      else sendJson(res, result.status, { error: result.error, message: result.message }, head);
    });
  }

  #serveAsset(sub: string, url: URL, req: IncomingMessage, res: ServerResponse, head: boolean): void {
    const page = this.#pageAssets();
    if (!page) {
      const message = 'the status page assets are missing from the installed package (dist/static)';
      sendJson(res, 503, { error: 'page_not_built', message }, head);
      return;
    }
    if (sub === '' || sub === '/') sendAsset(req, res, page.html, head);
    else if (sub === '/status.js') sendAsset(req, res, page.js, head);
    else if (sub === '/status.css') sendAsset(req, res, page.css, head);
    else this.#notFound(url, res, head);
  }

  #notFound(url: URL, res: ServerResponse, head: boolean): void {
    sendJson(res, 404, { error: 'not_found', message: `no page at ${url.pathname}; the status page is at ${this.path}` }, head);
  }
}

/** The page and its sampler, to mount in the health server or any node:http server. */
export function createStatusPage(options: StatusOptions = {}): StatusPage {
  return buildStatusPage(options, 'createStatusPage()').page;
}

/** The page with its engine, for the plugin (which gives the engine setup's metrics sources). */
export function buildStatusPage(options: StatusOptions, source: string): { readonly page: StatusPage; readonly engine: StatusEngine } {
  const config = resolveStatusOptions(options, source);
  const engine = new StatusEngine(config);
  return { page: Object.freeze(new StatusPageImpl(config, engine)), engine };
}
