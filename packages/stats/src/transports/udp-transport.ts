// StatsD over UDP through hot-shots: fire and forget, no authentication (as StatsD is).
import { isIP } from 'node:net';
import { createHotShots, StatsdTransport, type HotShotsSocket, type StatsdTransportOptions } from './statsd-transport.js';

/** UDP pacing: 4 full-size datagrams per millisecond, ~5.7 MB/s at most. */
export const UDP_BURST_BYTES = 4 * 1432;

export interface UdpTransportOptions extends StatsdTransportOptions {
  readonly host: string;
  readonly port: number;
}

export class UdpTransport extends StatsdTransport {
  readonly protocol = 'udp';
  readonly target: string;

  constructor(private readonly options: UdpTransportOptions) {
    super(options, { maxPacketBytes: 1432, burstBytes: UDP_BURST_BYTES, burstIntervalMs: 1 });
    this.target = `udp://${isIP(options.host) === 6 ? `[${options.host}]` : options.host}:${options.port}`;
  }

  protected open(onError: (error: Error) => void): HotShotsSocket {
    return createHotShots({ protocol: 'udp', host: this.options.host, port: this.options.port, cacheDns: true, errorHandler: onError });
  }
}
