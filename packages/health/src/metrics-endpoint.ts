// /metrics: the token, the rate limits, then the MetricsSource rendered (or the JSON fallback built)
// within requestTimeoutMs, gzip-encoded when the client accepts it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type MetricsExposition } from '@sightline/core';
import { encodeExposition, errorText, serveExposition, settleWithin } from '@sightline/core/internal';
import type { TokenVerifier } from './bearer-token.js';
import type { CheckAggregator } from './check-aggregator.js';
import { JSON_TYPE, send } from './http-reply.js';
import type { HealthConfig } from './options.js';
import { FixedWindowRateLimiter, KeyedRateLimiter } from './rate-limiter.js';
import { cacheSection, errorBody, jsonFallbackBody, queueSection } from './responses.js';

const log = getLogger('sightline.health');

const UNAUTHORIZED = { 'www-authenticate': 'Bearer realm="metrics"' };

export class MetricsEndpoint {
  readonly #config: HealthConfig;
  readonly #checks: CheckAggregator;
  readonly #verifier: TokenVerifier | undefined;
  readonly #limiter: FixedWindowRateLimiter | undefined;
  /** Failed token attempts per client address, under the same limit as /metrics. */
  readonly #failures: KeyedRateLimiter | undefined;

  constructor(config: HealthConfig, checks: CheckAggregator, verifier: TokenVerifier | undefined) {
    this.#config = config;
    this.#checks = checks;
    this.#verifier = verifier;
    const limit = config.metricsRateLimit;
    this.#limiter = limit ? new FixedWindowRateLimiter(limit.max, limit.windowMs) : undefined;
    this.#failures = verifier && limit ? new KeyedRateLimiter(limit.max, limit.windowMs) : undefined;
  }

  async serve(req: IncomingMessage, res: ServerResponse, head: boolean): Promise<void> {
    if (!this.#config.enableMetrics) {
      send(res, 404, errorBody('not_found', '/metrics is disabled (enableMetrics: false or SIGHTLINE_HEALTH_ENABLE_METRICS=false)'), head);
      return;
    }
    if (!this.#admit(req, res, head)) return;
    const timeoutMs = this.#config.requestTimeoutMs;
    const { metrics } = this.#config;
    if (metrics) {
      // Streamed as it renders (a stats-server's body can be tens of MB), gzip included.
      const outcome = await serveExposition(metrics, req, res, { timeoutMs });
      if (outcome.kind === 'timeout') this.#timedOut(res, head, timeoutMs);
      else if (outcome.kind === 'failed') {
        log.error('rendering /metrics failed', { error: errorText(outcome.error) });
        if (!outcome.replied) send(res, 500, errorBody('metrics_failed', 'rendering /metrics failed; see the sightline.health log'), head);
      }
      return;
    }
    const rendered = await settleWithin(this.#jsonFallback(), timeoutMs);
    if (rendered.timedOut) {
      this.#timedOut(res, head, timeoutMs);
      return;
    }
    const encoded = await encodeExposition(rendered.value.body, req.headers['accept-encoding']);
    send(res, 200, encoded.body, head, rendered.value.contentType, encoded.headers);
  }

  #timedOut(res: ServerResponse, head: boolean, timeoutMs: number): void {
    log.warn('rendering /metrics timed out', { timeoutMs });
    send(res, 503, errorBody('metrics_timeout', `rendering /metrics took longer than ${timeoutMs} ms`), head);
  }

  /**
   * The token and the rate limits; false once a refusal was sent. With a token, the scraper that
   * has it shares its window with no one: the token is checked first, so requests without it
   * neither count against the window nor, however many come from the scraper's own address (a
   * proxy, a NAT), get in its way; their failures are limited per client address.
   */
  #admit(req: IncomingMessage, res: ServerResponse, head: boolean): boolean {
    if (this.#verifier) {
      const address = req.socket.remoteAddress ?? '';
      if (!this.#verifier(req.headers.authorization)) {
        if (this.#failures?.exhausted(address)) {
          this.#tooManyRequests(res, head, this.#failures.retryAfterSeconds(address), 'failed token attempts from this address');
          return false;
        }
        this.#failures?.hit(address);
        const message = '/metrics needs an Authorization: Bearer <token> header with the configured token';
        send(res, 401, errorBody('unauthorized', message), head, JSON_TYPE, UNAUTHORIZED);
        return false;
      }
    }
    if (this.#limiter && !this.#limiter.take()) {
      this.#tooManyRequests(res, head, this.#limiter.retryAfterSeconds(), 'requests');
      return false;
    }
    return true;
  }

  #tooManyRequests(res: ServerResponse, head: boolean, retryAfterSeconds: number, what: string): void {
    const limit = this.#config.metricsRateLimit;
    const rule = limit ? `${limit.max} ${what} per ${limit.windowMs} ms` : what;
    send(res, 429, errorBody('too_many_requests', `/metrics allows ${rule}`), head, JSON_TYPE, {
      'retry-after': String(retryAfterSeconds),
    });
  }

  #jsonFallback(): Promise<MetricsExposition> {
    return this.#checks.run().then((report) => ({ contentType: JSON_TYPE, body: jsonFallbackBody(this.#snapshotSections(), report) }));
  }

  /** The JSON fallback's sections: `snapshot()`'s, `cache` and `queue`, then each sensor's `asDict()` by name. */
  #snapshotSections(): Record<string, unknown> {
    // Null prototype: a section named `__proto__` is kept like any other.
    const sections = Object.create(null) as Record<string, unknown>;
    const { snapshot, sensors } = this.#config;
    if (snapshot) {
      try {
        Object.assign(sections, snapshot());
      } catch (error) {
        log.warn('snapshot() threw; /metrics serves the rest', { error: errorText(error) });
      }
    }
    // pyWATS's fallback sections, after the snapshot's: a configured cache or queue wins over a name taken by chance.
    const { cache, queue } = this.#config;
    const add = (name: string, read: () => Record<string, unknown>): void => {
      try {
        sections[name] = read();
      } catch (error) {
        log.warn(`the ${name} figures threw; /metrics serves the rest`, { error: errorText(error) });
      }
    };
    if (cache) add('cache', () => cacheSection(cache()));
    if (queue) add('queue', () => queueSection(queue()));
    for (const name of Object.keys(sensors)) {
      const sensor = sensors[name];
      if (typeof sensor?.asDict !== 'function') continue;
      try {
        sections[name] = sensor.asDict();
      } catch (error) {
        log.warn('a sensor asDict() threw; /metrics serves the rest', { sensor: name, error: errorText(error) });
      }
    }
    if ('checks' in sections) log.debug('a snapshot section named "checks" is replaced by the health checks in /metrics');
    return sections;
  }
}
