// Pushing a batch job's metrics to a Prometheus Pushgateway: push (PUT), pushAdd (POST), delete.
import { SightlineConfigError, SightlineError, type MetricsSource } from '@sightline/core';
import { errorText, renderMetrics, resolveOptions, runAsToolkit, type ResolvedOf } from '@sightline/core/internal';
import { PROMETHEUS_CONTENT_TYPE, type NegotiatingMetricsSource } from '@sightline/exposition';
import { PUSHGATEWAY_SHAPE, type PushgatewayOptions } from './options.js';

/** The labels that, with `job`, name a group on the Pushgateway (e.g. `{ instance: 'nightly-1' }`). */
export type GroupingLabels = Readonly<Record<string, string>>;

/** Overrides of the group for one call. */
export interface PushParams {
  /** The `job` label for this call. Default the gateway's `job`. */
  readonly job?: string;
  /** Grouping labels for this call. Default the gateway's `grouping`. */
  readonly grouping?: GroupingLabels;
}

/** The Pushgateway refused a request or could not be reached; `status` is 0 when no answer came. */
export class PushgatewayError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_PUSHGATEWAY';

  constructor(
    /** The request that failed. */
    readonly operation: 'push' | 'pushAdd' | 'delete',
    /** The URL requested. */
    readonly url: string,
    /** The HTTP status, or 0 when no answer came. */
    readonly status: number,
    /** The answer's body, or the network error's message. */
    readonly body: string,
  ) {
    super(
      status === 0
        ? `Pushgateway ${operation} to ${url} failed: ${body}`
        : `Pushgateway ${operation} to ${url} answered ${status}: ${body.trim().slice(0, 500) || '(empty body)'}`,
    );
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Redirects followed within the gateway's origin before a push fails. */
const MAX_REDIRECTS = 5;
/** The most of an error answer's body kept in `PushgatewayError.body`. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Where a redirect answer points, resolved against the URL asked; undefined for any other answer. */
function redirectTarget(asked: string, response: Response): string | undefined {
  if (response.status < 300 || response.status > 399 || response.status === 304) return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  try {
    return new URL(location, asked).href;
  } catch {
    return undefined;
  }
}

/** At most `max` bytes of the body as text, the rest left unread and said so. */
async function boundedText(response: Response, max: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      size += chunk.byteLength;
      // Leaving the loop early cancels the stream: the rest is never read.
      if (size > max) return `${Buffer.concat(chunks).subarray(0, max).toString('utf8')}…[body cut at ${max} bytes]`;
    }
  } catch {
    // A body cut short by the network: what came is what there is.
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A path segment for a label value: base64url when it is empty or holds a `/` (the Pushgateway's rule). */
function segment(name: string, value: string): string {
  if (value.length === 0 || value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url') || '='}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** The gateway's base URL without a trailing slash; refuses anything but an http(s) URL. */
function baseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SightlineConfigError(`Pushgateway url ${JSON.stringify(url)} is not a URL; expected e.g. http://pushgateway:9091`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SightlineConfigError(`Pushgateway url must be http: or https:, got ${parsed.protocol}`);
  }
  return parsed.href.replace(/\/+$/, '');
}

function checkGroup(job: unknown, grouping: GroupingLabels): void {
  if (typeof job !== 'string' || job.length === 0) {
    throw new SightlineConfigError(`Pushgateway job must be a non-empty string, got ${JSON.stringify(job)}`);
  }
  for (const [name, value] of Object.entries(grouping)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'job') {
      throw new SightlineConfigError(
        `Pushgateway grouping label ${JSON.stringify(name)} is invalid: expected [a-zA-Z_][a-zA-Z0-9_]*, not job, not starting with __`,
      );
    }
    if (typeof value !== 'string') {
      throw new SightlineConfigError(`Pushgateway grouping label ${name} must be a string, got ${typeof value}`);
    }
  }
}

/**
 * A batch job's way to Prometheus: renders the source in the text format and sends it to the
 * Pushgateway's group for `job` and `grouping`. `push()` replaces the whole group, `pushAdd()` only
 * the metrics of the same names, `delete()` removes the group. Each rejects with a
 * `PushgatewayError` naming the status and the gateway's answer.
 */
export class Pushgateway {
  readonly #base: string;
  readonly #options: ResolvedOf<typeof PUSHGATEWAY_SHAPE>;

  constructor(options: PushgatewayOptions) {
    const resolved = resolveOptions(PUSHGATEWAY_SHAPE, options, { source: 'new Pushgateway()' });
    this.#base = baseUrl(resolved.url);
    if (typeof (resolved.source as Partial<MetricsSource>).render !== 'function') {
      throw new SightlineConfigError('Pushgateway source must be a MetricsSource (a MetricsCollector, for one)');
    }
    checkGroup(resolved.job, resolved.grouping);
    this.#options = resolved;
  }

  /** The group's URL: `<url>/metrics/job/<job>/<label>/<value>...`. */
  groupUrl(params: PushParams = {}): string {
    const job = params.job ?? this.#options.job;
    const grouping = params.grouping ?? this.#options.grouping;
    checkGroup(job, grouping);
    return `${this.#base}/metrics/${[segment('job', job), ...Object.entries(grouping).map(([k, v]) => segment(k, v))].join('/')}`;
  }

  /** Replaces every metric of the group with the source's (HTTP PUT). */
  push(params?: PushParams): Promise<void> {
    return this.#send('push', 'PUT', params);
  }

  /** Replaces only the metrics of the same names in the group (HTTP POST). */
  pushAdd(params?: PushParams): Promise<void> {
    return this.#send('pushAdd', 'POST', params);
  }

  /** Deletes the group (HTTP DELETE). */
  delete(params?: PushParams): Promise<void> {
    return this.#send('delete', 'DELETE', params);
  }

  async #send(operation: PushgatewayError['operation'], method: string, params: PushParams | undefined): Promise<void> {
    const url = this.groupUrl(params);
    let body: string | undefined;
    if (method !== 'DELETE') {
      const source = this.#options.source as Partial<NegotiatingMetricsSource> & MetricsSource;
      // The Pushgateway reads the text format 0.0.4.
      body =
        typeof source.renderFormat === 'function'
          ? await source.renderFormat('prometheus')
          : (await renderMetrics(source, 'text/plain; version=0.0.4')).body;
    }
    let response: Response;
    let target = url;
    for (let redirects = 0; ; redirects++) {
      try {
        // The toolkit's own traffic: left out of the app's HTTP spans and metrics.
        response = await runAsToolkit(() =>
          fetch(target, {
            method,
            headers: { ...(body !== undefined ? { 'content-type': PROMETHEUS_CONTENT_TYPE } : {}), ...this.#options.headers },
            ...(body !== undefined ? { body } : {}),
            // Followed here, not by fetch: fetch would follow one to another host (with our headers) and
            // turn a 301/302/303 into a GET that pushes nothing yet answers 200.
            redirect: 'manual',
            signal: AbortSignal.timeout(this.#options.timeoutMs),
          }),
        );
      } catch (error) {
        // fetch() rejects with a bare `TypeError: fetch failed`; what went wrong is its cause.
        const cause =
          error instanceof Error && error.cause instanceof Error
            ? error.cause.message
            : error instanceof Error
              ? error.message
              : errorText(error);
        throw new PushgatewayError(operation, url, 0, cause);
      }
      const next = redirectTarget(target, response);
      if (next === undefined) break;
      await response.body?.cancel().catch(() => undefined);
      const refused =
        response.status !== 307 && response.status !== 308
          ? `it redirected with ${response.status} to ${next}; only 307 and 308 keep the method and body`
          : new URL(next).origin !== new URL(url).origin
            ? `it redirected to another origin (${new URL(next).origin}); only redirects within ${new URL(url).origin} are followed`
            : redirects === MAX_REDIRECTS
              ? `more than ${MAX_REDIRECTS} redirects`
              : undefined;
      if (refused !== undefined) throw new PushgatewayError(operation, url, response.status, `refused: ${refused}`);
      target = next;
    }
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    throw new PushgatewayError(operation, url, response.status, await boundedText(response, MAX_ERROR_BODY_BYTES));
  }
}
