// The pages mounted beside the probes (a plugin's `routes`): checked once, found by path prefix.
import type { HttpRoute } from '@sightline/core';
import { describeValue } from '@sightline/core/internal';
import { HealthConfigError } from './errors.js';

/** Prefixes the handler serves itself. */
const RESERVED_PREFIXES = ['/health', '/metrics'];
const PREFIX = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

function validRoute(r: unknown, i: number): HttpRoute {
  const route = r as Partial<HttpRoute> | null;
  if (typeof route !== 'object' || route === null || typeof route.handle !== 'function') {
    throw new HealthConfigError(`routes[${i}] must be a route { path, auth, handle(req, res) }, got ${describeValue(r)}`);
  }
  const path = route.path;
  if (typeof path !== 'string' || !PREFIX.test(path)) {
    throw new HealthConfigError(`routes[${i}].path must be a path prefix such as "/status", got ${describeValue(path)}`);
  }
  if (RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) {
    throw new HealthConfigError(`routes[${i}].path ${describeValue(path)} is served by the health server itself; pick another prefix`);
  }
  if (route.auth !== 'metrics' && route.auth !== 'none') {
    throw new HealthConfigError(`routes[${i}].auth must be "metrics" or "none", got ${describeValue(route.auth)}`);
  }
  return route as HttpRoute;
}

/** The `routes` option, each a valid route at its own path. */
export function routeList(routes: readonly unknown[]): readonly HttpRoute[] {
  const seen = new Set<string>();
  return Object.freeze(
    routes.map((r, i) => {
      const route = validRoute(r, i);
      if (seen.has(route.path)) throw new HealthConfigError(`routes has two routes at "${route.path}": paths must be unique`);
      seen.add(route.path);
      return route;
    }),
  );
}

/** The route whose prefix `path` is (`/status` serves `/status` and `/status/...`). */
export function findRoute(routes: readonly HttpRoute[], path: string): HttpRoute | undefined {
  for (const route of routes) {
    if (path === route.path || (path.startsWith(route.path) && path.charCodeAt(route.path.length) === 47) /* / */) return route;
  }
  return undefined;
}
