// The options of createWsServer(), WsClient and request(), each declared once: its type, checks,
// default and doc line. The exported options types and the README's options tables are derived
// from these shapes; a problem throws WsConfigError naming the option, where it came from and the value.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { MetricsHooks } from '@sightline/core';
import { defineShape, opt, optionsResolver, type OptionsOf, type OptionsResolver } from '@sightline/core/internal';
import { WsConfigError } from './errors.js';
import type { WsConnection } from './server-connection.js';
import type { WsHandler } from './ws-server.js';

/** `options` checked against `shape` and completed with its defaults; a problem throws WsConfigError naming `source`. */
export const resolveWsOptions: OptionsResolver = optionsResolver((message, details) => new WsConfigError(message, details));

const countOrInfinity = (doc: string) =>
  opt.oneOf([opt.integer({ min: 1 }), opt.enum([Infinity])], { default: Infinity, defaultText: '`Infinity`', doc });

const hooks = opt.typed<MetricsHooks>()(
  opt.record(opt.function(), {
    env: false,
    doc: '`MetricsHooks` fired for connections, frames, requests and errors (see `@sightline/core`).',
  }),
);

/** How a client reconnects after its link drops: exponential delays, capped and jittered. */
export const RECONNECT_SHAPE = defineShape({
  initialDelayMs: opt.integer({ min: 0, default: 100, doc: 'Delay before the first reconnection attempt.' }),
  maxDelayMs: opt.integer({ min: 0, default: 30_000, doc: 'Cap on the delay between attempts; at least `initialDelayMs`.' }),
  jitter: opt.number({
    min: 0,
    max: 1,
    default: 0.5,
    doc: 'Fraction of each delay that is randomised: attempt `n` (from 0) waits `min(maxDelayMs, initialDelayMs * 2^n)`, less a random part up to `jitter` of it.',
  }),
  maxAttempts: countOrInfinity('Give up after this many failed attempts in a row (the client then closes).'),
});

/** Options of `new WsClient(url, options)` and `WsClient.connect(url, options)`. */
export const WS_CLIENT_SHAPE = defineShape({
  hooks,
  requestTimeoutMs: opt.integer({
    min: 1,
    default: 30_000,
    doc: 'A request with no reply by then rejects with `RequestTimeoutError`; per call: `request(op, payload, { timeoutMs })`.',
  }),
  reconnect: opt.oneOf([opt.enum([false]), opt.object(RECONNECT_SHAPE)], {
    default: {},
    defaultText: 'on, as `ReconnectOptions` says',
    doc: 'Reconnection after a link that was up drops (`ReconnectOptions`); `false` stays closed.',
  }),
  headers: opt.record(opt.string({ secret: true }), { doc: 'Extra headers on the upgrade request (e.g. `authorization`); never logged.' }),
  heartbeatIntervalMs: opt.integer({
    min: 0,
    default: 30_000,
    doc: 'Ping the server this often; when it missed the previous ping, cut the link and reconnect. `0` disables.',
  }),
  maxPayloadBytes: opt.integer({
    min: 1,
    default: 64 * 1024 * 1024,
    doc: 'Frames from the server larger than this close the connection with 1009.',
  }),
  connectTimeoutMs: opt.integer({ min: 1, default: 10_000, doc: 'Time allowed for the opening handshake.' }),
});

/** Options of one `request()`. */
export const REQUEST_SHAPE = defineShape({
  timeoutMs: opt.integer({
    min: 1,
    defaultText: "the client's `requestTimeoutMs`",
    doc: 'No reply by then rejects with `RequestTimeoutError`.',
  }),
});

/** Options of `createWsServer(options)`. */
export const WS_SERVER_SHAPE = defineShape({
  port: opt.integer({
    min: 0,
    max: 65535,
    defaultText: 'one of `port`, `server`',
    doc: 'Port to listen on; `0` lets the OS pick (read it from `server.port`).',
  }),
  host: opt.string({
    nonEmpty: true,
    default: '127.0.0.1',
    doc: 'Interface to bind with `port`: loopback unless told otherwise (`0.0.0.0` or `::` for all interfaces).',
  }),
  server: opt.any<HttpServer | HttpsServer>({
    env: false,
    expected: 'an http.Server or https.Server',
    doc: 'An `http`/`https` server of yours to attach to instead of listening on a port; `close()` leaves it running.',
  }),
  path: opt.string({
    check: (v: string) => (v.startsWith('/') ? undefined : 'expected a string starting with "/"'),
    defaultText: 'any',
    doc: 'Only upgrade requests for this path.',
  }),
  handlers: opt.record(opt.function<WsHandler>(), {
    required: true,
    env: false,
    doc: 'Handlers by op: `(payload, connection) => result | Promise<result>`.',
  }),
  hooks,
  maxConnections: countOrInfinity('Connections past this many are closed with 1013; a warning is logged once per episode.'),
  heartbeatIntervalMs: opt.integer({
    min: 0,
    default: 30_000,
    doc: 'Ping every client this often; one that missed the previous ping is terminated. `0` disables.',
  }),
  maxPayloadBytes: opt.integer({ min: 1, default: 1024 * 1024, doc: 'Larger frames close the connection with 1009.' }),
  maxInFlightPerConnection: opt.integer({
    min: 1,
    default: 64,
    doc:
      'Requests of one connection whose handlers have not settled; at the limit the server stops reading that connection ' +
      '(TCP backpressure), and a request that still arrives is answered with a `TooManyInFlightError` reply, counted.',
  }),
  maxInFlight: opt.integer({
    min: 1,
    default: 4096,
    doc: 'Requests in flight across all connections; past it a request is answered with a `TooManyInFlightError` reply, counted.',
  }),
  closeTimeoutMs: opt.integer({
    min: 0,
    default: 1_000,
    doc: 'How long `close()` waits for clients to finish the closing handshake before cutting them.',
  }),
  onConnection: opt.function<(connection: WsConnection) => void>({ doc: 'Called for each accepted connection, after `onWsConnect`.' }),
  onConnectionClose: opt.function<(connection: WsConnection, code: number) => void>({
    doc: 'Called when an accepted connection has closed, with its close code, after `onWsDisconnect`.',
  }),
});

/** How a client reconnects after its link drops: exponential delays, capped and jittered. */
export type ReconnectOptions = OptionsOf<typeof RECONNECT_SHAPE>;
/** Options of `new WsClient(url, options)` and `WsClient.connect(url, options)`. */
export type WsClientOptions = OptionsOf<typeof WS_CLIENT_SHAPE>;
/** Options of one `request(op, payload, options)`. */
export type RequestOptions = OptionsOf<typeof REQUEST_SHAPE>;
/** Options of `createWsServer(options)`: `handlers`, and one of `port` or `server`. */
export type WsServerOptions = OptionsOf<typeof WS_SERVER_SHAPE>;
