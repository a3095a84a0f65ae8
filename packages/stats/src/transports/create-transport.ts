// Picks the transport for a protocol constant.
import type { Protocol, ResolvedConfig, ResolvedTlsOptions } from '../options.js';
import { HttpTransport, type SignedTransportOptions } from './http-transport.js';
import { TcpTransport } from './tcp-transport.js';
import type { Transport } from './transport.js';
import { UdpTransport } from './udp-transport.js';
import { UdsTransport } from './uds-transport.js';
import { WsTransport } from './ws-transport.js';

/** What only our own code sets on a transport: not a user option. */
export interface TransportExtras {
  /** StatsD: every sample on its own line (the hot-shots entry). */
  readonly oneValuePerLine?: boolean;
}

type Factory = (config: ResolvedConfig, tlsOptions: ResolvedTlsOptions | undefined, extras: TransportExtras) => Transport;

function signed(c: ResolvedConfig, tlsOptions: ResolvedTlsOptions | undefined): SignedTransportOptions {
  return {
    host: c.destHost,
    port: c.destPort,
    // Present: the client refuses http and ws without a secret.
    secret: c.secret as string,
    tls: c.tls,
    timeoutMs: c.timeoutMs,
    maxBatchBytes: c.maxBatchBytes,
    ...(tlsOptions ? { tlsOptions } : {}),
  };
}

export const TRANSPORTS: Readonly<Record<Protocol, Factory>> = Object.freeze({
  http: (c, tlsOptions) => new HttpTransport(signed(c, tlsOptions)),
  ws: (c, tlsOptions) => new WsTransport(signed(c, tlsOptions)),
  udp: (c, _tls, extras) =>
    new UdpTransport({
      ...extras,
      host: c.destHost,
      port: c.destPort,
      flavour: c.flavour,
      ...(c.maxPacketBytes === undefined ? {} : { maxPacketBytes: c.maxPacketBytes }),
      burstBytes: c.udpBytesPerMs,
      writeTimeoutMs: c.timeoutMs,
    }),
  tcp: (c, _tls, extras) =>
    new TcpTransport({ ...extras, host: c.destHost, port: c.destPort, flavour: c.flavour, writeTimeoutMs: c.timeoutMs }),
  uds: (c, _tls, extras) =>
    new UdsTransport({ ...extras, socketPath: c.socketPath as string, flavour: c.flavour, writeTimeoutMs: c.timeoutMs }),
});

export function createTransport(config: ResolvedConfig, tlsOptions?: ResolvedTlsOptions, extras: TransportExtras = {}): Transport {
  return TRANSPORTS[config.protocol](config, tlsOptions, extras);
}
