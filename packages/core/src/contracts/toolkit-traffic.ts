// The toolkit never observes itself as the app: its own HTTP requests (OTLP and Pushgateway
// exports, stats batches) run inside `runAsToolkit()`, and its own servers (health, status,
// stats-server) are marked, so the HTTP instrumentation leaves both out of the app's spans and
// metrics. OpenTelemetry's "suppress tracing" context is the model; this one needs no OTel API.
// The store and the mark are process-wide (Symbol.for), so two copies of core agree.
import { AsyncLocalStorage } from 'node:async_hooks';

const STORE_KEY = Symbol.for('sightline.core.toolkitTraffic');
const SERVER_MARK = Symbol.for('sightline.core.toolkitServer');
const REQUEST_MARK = Symbol.for('sightline.core.toolkitRequest');

type Global = typeof globalThis & { [STORE_KEY]?: AsyncLocalStorage<true> };

function store(): AsyncLocalStorage<true> {
  const g = globalThis as Global;
  return (g[STORE_KEY] ??= new AsyncLocalStorage<true>());
}

/** Runs `fn` (and everything it starts) as the toolkit's own traffic. */
export function runAsToolkit<T>(fn: () => T): T {
  return store().run(true, fn);
}

/** Whether the current async context is the toolkit's own traffic. */
export function isToolkitTraffic(): boolean {
  return store().getStore() === true;
}

/** Marks a server (health, status, stats-server) as the toolkit's own: its requests are not the app's. */
export function markToolkitServer(server: object): void {
  (server as Record<symbol, unknown>)[SERVER_MARK] = true;
}

/**
 * Marks one request, served on the app's own server, as the toolkit's (a `/metrics` or `/status`
 * route mounted in the app): the instrumentation drops what it began recording for it.
 */
export function markToolkitRequest(request: object): void {
  (request as Record<symbol, unknown>)[REQUEST_MARK] = true;
}

/** Whether an incoming request is the toolkit's: marked itself, or accepted by a marked server. */
export function isToolkitRequest(request: { readonly socket?: unknown } & object): boolean {
  if ((request as Record<symbol, unknown>)[REQUEST_MARK] === true) return true;
  const server = (request.socket as { server?: unknown } | null | undefined)?.server;
  return typeof server === 'object' && server !== null && (server as Record<symbol, unknown>)[SERVER_MARK] === true;
}

/** Whether a server was marked as the toolkit's own. */
export function isToolkitServer(server: object): boolean {
  return (server as Record<symbol, unknown>)[SERVER_MARK] === true;
}
