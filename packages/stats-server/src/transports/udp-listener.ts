// StatsD over UDP: every datagram is one or more newline-separated lines.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { getLogger } from '@sightline/core';
import type { StatsdIngest } from '../statsd/statsd-ingest.js';

const log = getLogger('sightline.stats-server.statsd.udp');

export class UdpListener {
  private socket: Socket | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly ingest: StatsdIngest,
  ) {}

  listen(): Promise<number> {
    const socket = createSocket({ type: isIPv6(this.host) ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      this.ingest.handlePacket(msg.toString('utf8'), `udp ${rinfo.address}`);
    });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.socket = undefined;
        socket.close();
        reject(error);
      };
      socket.once('error', onError);
      socket.bind(this.port, this.host, () => {
        socket.off('error', onError);
        socket.on('error', (error) => log.warn('UDP socket error', { error: error.message }));
        resolve(socket.address().port);
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
