// StatsD over a Unix domain stream socket: works with the Etsy statsd TCP server's `socket` option
// and DogStatsD's `unixstream://` listener, and needs no native module (Node has no Unix datagram
// sockets).
import net from 'node:net';
import { openStreamSocket, type StatsdSocket } from './statsd-socket.js';
import { StatsdTransport, type StatsdTransportOptions } from './statsd-transport.js';

export interface UdsTransportOptions extends StatsdTransportOptions {
  readonly socketPath: string;
}

export class UdsTransport extends StatsdTransport {
  readonly protocol = 'uds';
  readonly target: string;

  constructor(private readonly options: UdsTransportOptions) {
    super(options, { maxPacketBytes: 65_536, burstBytes: 1 << 20, burstIntervalMs: 0 });
    this.target = `unix://${options.socketPath}`;
  }

  protected open(onError: (error: Error) => void): StatsdSocket {
    return openStreamSocket(net.connect({ path: this.options.socketPath }), onError);
  }
}
