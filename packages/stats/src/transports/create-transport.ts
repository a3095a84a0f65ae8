// Picks the transport for a protocol constant.
import type { Protocol, ResolvedConfig, ResolvedTlsOptions } from '../options.js';
import { HttpTransport } from './http-transport.js';
import { TcpTransport } from './tcp-transport.js';
import type { Transport } from './transport.js';
import { UdpTransport } from './udp-transport.js';
import { UdsTransport } from './uds-transport.js';
import { WsTransport } from './ws-transport.js';

type Factory = (config: ResolvedConfig, tlsOptions: ResolvedTlsOptions | undefined) => Transport;

const secretOf = (config: ResolvedConfig): string => config.secret as string;

export const TRANSPORTS: Readonly<Record<Protocol, Factory>> = Object.freeze({
  http: (c, tlsOptions) =>
    new HttpTransport({
      host: c.destHost,
      port: c.destPort,
      secret: secretOf(c),
      tls: c.tls,
      timeoutMs: c.timeoutMs,
      maxBatchBytes: c.maxBatchBytes,
      ...(tlsOptions ? { tlsOptions } : {}),
    }),
  ws: (c, tlsOptions) =>
    new WsTransport({
      host: c.destHost,
      port: c.destPort,
      secret: secretOf(c),
      tls: c.tls,
      timeoutMs: c.timeoutMs,
      maxBatchBytes: c.maxBatchBytes,
      ...(tlsOptions ? { tlsOptions } : {}),
    }),
  udp: (c) =>
    new UdpTransport({
      host: c.destHost,
      port: c.destPort,
      flavour: c.flavour,
      ...(c.maxPacketBytes === undefined ? {} : { maxPacketBytes: c.maxPacketBytes }),
      burstBytes: c.udpBytesPerMs,
      writeTimeoutMs: c.timeoutMs,
    }),
  tcp: (c) => new TcpTransport({ host: c.destHost, port: c.destPort, flavour: c.flavour, writeTimeoutMs: c.timeoutMs }),
  uds: (c) => new UdsTransport({ socketPath: c.socketPath as string, flavour: c.flavour, writeTimeoutMs: c.timeoutMs }),
});

export function createTransport(config: ResolvedConfig, tlsOptions?: ResolvedTlsOptions): Transport {
  return TRANSPORTS[config.protocol](config, tlsOptions);
}
