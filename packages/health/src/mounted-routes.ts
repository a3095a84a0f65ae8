// The pages mounted beside the probes (a plugin's `routes`, e.g. the status page): found by path
// prefix, behind the /metrics token when they ask for it, attached to the handler's readiness and
// detached when it closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger, type HttpRoute, type RouteHost } from '@sightline/core';
import { errorText } from '@sightline/core/internal';
import type { RouteAuth } from './bearer-token.js';
import { JSON_TYPE, send } from './http-reply.js';
import { errorBody } from './responses.js';
import { findRoute } from './route-list.js';
import { routeAuthorization, TOKEN_COOKIE } from './route-auth.js';

const log = getLogger('sightline.health');

export class MountedRoutes {
  readonly #routes: readonly HttpRoute[];
  readonly #auth: RouteAuth | undefined;

  constructor(routes: readonly HttpRoute[], auth: RouteAuth | undefined) {
    this.#routes = routes;
    this.#auth = auth;
  }

  /** The mounted prefixes, for a 404's hint. */
  get paths(): readonly string[] {
    return this.#routes.map((r) => r.path);
  }

  find(path: string): HttpRoute | undefined {
    return this.#routes.length > 0 ? findRoute(this.#routes, path) : undefined;
  }

  attach(host: RouteHost): void {
    for (const route of this.#routes) route.attach?.(host);
  }

  /** Detaches every route (their streams end, their timers stop); one that throws does not stop the others. */
  detach(): void {
    for (const route of this.#routes) {
      try {
        route.detach?.();
      } catch (error) {
        log.warn('a route failed to detach', { route: route.path, error: errorText(error) });
      }
    }
  }

  /**
   * Serves `route`. A route behind the metrics token also takes it from a cookie (a browser's
   * EventSource cannot send headers); `?token=` on a page sets that cookie and redirects to the URL
   * without it.
   */
  serve(route: HttpRoute, req: IncomingMessage, res: ServerResponse, head: boolean): void {
    if (route.auth === 'metrics' && this.#auth) {
      const auth = routeAuthorization(req, this.#auth.verify, this.#auth.cookie);
      if (auth.kind === 'denied') {
        const message = `${route.path} needs the /metrics token: an Authorization: Bearer <token> header, or open ${route.path}?token=<token> once`;
        send(res, 401, errorBody('unauthorized', message), head, JSON_TYPE, { 'www-authenticate': 'Bearer realm="metrics"' });
        return;
      }
      if (auth.kind === 'redirect') {
        res.writeHead(303, {
          location: auth.location,
          // Secure where the page came over TLS, so the browser never sends it over plain HTTP.
          'set-cookie': `${TOKEN_COOKIE}=${this.#auth.cookie.value}; Path=${route.path}; HttpOnly; SameSite=Strict${
            (req.socket as { encrypted?: boolean }).encrypted === true ? '; Secure' : ''
          }`,
          'cache-control': 'no-store',
          'content-length': 0,
        });
        res.end();
        return;
      }
    }
    route.handle(req, res);
  }
}
