// StatsD over TCP: newline-separated lines on one connection, reopened after an
// error on the next send.
import net from 'node:net';
import { openStreamSocket, type StatsdSocket } from './statsd-socket.js';
import { StatsdTransport, type StatsdTransportOptions } from './statsd-transport.js';

export interface TcpTransportOptions extends StatsdTransportOptions {
  readonly host: string;
  readonly port: number;
}

export class TcpTransport extends StatsdTransport {
  readonly protocol = 'tcp';
  readonly target: string;

  constructor(private readonly options: TcpTransportOptions) {
    // A stream has no datagram limit: write large chunks.
    super(options, { maxPacketBytes: 65_536, burstBytes: 1 << 20, burstIntervalMs: 0 });
    this.target = `tcp://${options.host}:${options.port}`;
  }

  protected open(onError: (error: Error) => void): StatsdSocket {
    // Reconnection is ours: a failed send resets the socket and the client retries with backoff.
    const socket = net.connect(this.options.port, this.options.host);
    socket.setKeepAlive(true);
    return openStreamSocket(socket, onError);
  }
}
