// Pushing a batch job's metrics to a Prometheus Pushgateway: push (PUT), pushAdd (POST), delete.
import { SightlineConfigError, SightlineError, type MetricsSource } from '@sightline/core';
import { errorText, renderMetrics, resolveOptions, type ResolvedOf } from '@sightline/core/internal';
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
    try {
      response = await fetch(url, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': PROMETHEUS_CONTENT_TYPE } : {}), ...this.#options.headers },
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
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
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new PushgatewayError(operation, url, response.status, text);
  }
}
