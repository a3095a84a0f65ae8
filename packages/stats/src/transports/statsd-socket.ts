// The sockets under the udp, tcp and uds transports, on Node's own dgram and net: the packets are
// already encoded, packed and paced by StatsdTransport, so all that is left is writing bytes and
// reporting each write's outcome. Owning the socket (rather than going through a StatsD client
// library) keeps its size, buffers and pacing ours to tune.
import dgram from 'node:dgram';
import { lookup } from 'node:dns';
import net from 'node:net';
import { loopbackBacklogProbe, type BacklogProbe } from './udp-backlog.js';

/** One socket of a StatsD transport: packets in, one callback per packet. */
export interface StatsdSocket {
  write(packet: string, callback: (error?: Error | null) => void): void;
  /** Closes the socket; `callback` runs once it is closed (or was already). */
  close(callback: () => void): void;
  /** Bytes the receiver has not read yet, when this host can tell (a UDP receiver on loopback). */
  readonly backlog?: BacklogProbe;
}

/**
 * A UDP socket sending each packet as one datagram to `host:port`. A host name is resolved once,
 * on the first write (the address family follows the name: an IPv6 literal gets an IPv6 socket).
 * Unreferenced: an open socket never keeps the process alive.
 */
export function openUdpSocket(host: string, port: number, onError: (error: Error) => void): StatsdSocket {
  const family = net.isIP(host) === 6 ? 6 : 4;
  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  socket.on('error', onError);
  socket.unref();
  let address: string | undefined = net.isIP(host) ? host : undefined;
  let resolving: Array<(error: Error | null) => void> | undefined;
  let closed = false;

  const resolved = (then: (error: Error | null) => void): void => {
    if (address !== undefined) return then(null);
    if (resolving) return void resolving.push(then);
    resolving = [then];
    lookup(host, { family }, (error, resolvedAddress) => {
      if (!error) address = resolvedAddress;
      const waiting = resolving ?? [];
      resolving = undefined;
      for (const w of waiting) w(error);
    });
  };

  const backlog = loopbackBacklogProbe(host, port, family);
  return {
    ...(backlog ? { backlog } : {}),
    write(packet, callback) {
      resolved((error) => {
        if (error) return callback(error);
        if (closed) return callback(Object.assign(new Error('socket is closed'), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }));
        try {
          socket.send(packet, port, address, (sendError) => callback(sendError));
        } catch (sendError) {
          callback(sendError as Error);
        }
      });
    },
    close(callback) {
      if (closed) return callback();
      closed = true;
      try {
        socket.close(() => callback());
      } catch {
        callback();
      }
    },
  };
}

/**
 * A stream socket (TCP or Unix) writing each packet as newline-terminated StatsD lines.
 * Unreferenced: an open connection never keeps the process alive. A write after the socket is
 * destroyed fails at once, so the transport reopens it on the next send.
 */
export function openStreamSocket(socket: net.Socket, onError: (error: Error) => void): StatsdSocket {
  socket.unref();
  // The socket's own error (ENOENT, ECONNREFUSED...) comes before the pending writes fail with a
  // generic ERR_SOCKET_CLOSED_BEFORE_CONNECTION: report the cause instead.
  let cause: Error | undefined;
  socket.on('error', (error) => {
    cause = error;
    onError(error);
  });
  return {
    write(packet, callback) {
      if (socket.destroyed) return callback(cause ?? Object.assign(new Error('socket is destroyed'), { code: 'ERR_SOCKET_DESTROYED' }));
      socket.write(packet.endsWith('\n') ? packet : `${packet}\n`, 'utf8', (error) => callback(error ? (cause ?? error) : error));
    },
    close(callback) {
      if (socket.destroyed) return callback();
      socket.once('close', () => callback());
      socket.destroy();
    },
  };
}
