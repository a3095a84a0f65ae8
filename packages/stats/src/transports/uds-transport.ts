// StatsD over a Unix domain stream socket through hot-shots' stream protocol: works with the
// Etsy statsd TCP server's `socket` option and DogStatsD's `unixstream://` listener, and needs no
// native module (hot-shots' datagram `uds` needs the optional unix-dgram build).
import net from 'node:net';
import { createHotShots, StatsdTransport, type HotShotsSocket, type StatsdTransportOptions } from './statsd-transport.js';

export interface UdsTransportOptions extends StatsdTransportOptions {
  readonly socketPath: string;
}

export class UdsTransport extends StatsdTransport {
  readonly protocol = 'uds';
  readonly target: string;

  constructor(private readonly options: UdsTransportOptions) {
    super({ ...options, maxPacketBytes: options.maxPacketBytes ?? 65_536 }, { maxPacketBytes: 65_536, burstBytes: 1 << 20, burstIntervalMs: 0 });
    this.target = `unix://${options.socketPath}`;
  }

  protected open(onError: (error: Error) => void): HotShotsSocket {
    const stream = net.connect({ path: this.options.socketPath });
    stream.unref();
    stream.on('error', onError);
    return createHotShots({ protocol: 'stream', stream, errorHandler: onError });
  }
}
