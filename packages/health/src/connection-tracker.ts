// Every connection of a server and which ones have a response in flight, so closing can drop at
// once those with nothing in flight (idle keep-alive, or a request whose headers never finished)
// instead of waiting for their timeouts.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getLogger } from '@sightline/core';

const log = getLogger('sightline.health');

export class ConnectionTracker {
  readonly #sockets = new Set<Socket>();
  readonly #inflight = new Set<Socket>();
  /** Connections Node closed on arrival because `maxConnections` were open. */
  refused = 0;

  /** Counts the server's connections from now on, and caps them at `maxConnections`. */
  watch(server: Server, maxConnections: number): void {
    server.maxConnections = maxConnections;
    server.on('drop', () => {
      if (this.refused++ === 0) {
        log.warn('health server at maxConnections; closing new connections as they arrive (logged once, counted)', { maxConnections });
      }
    });
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Call after the handler: an answer not written yet is in flight until its response closes. */
  track(req: IncomingMessage, res: ServerResponse): void {
    if (res.writableEnded) return;
    const socket = req.socket;
    this.#inflight.add(socket);
    res.once('close', () => this.#inflight.delete(socket));
  }

  /** Destroys every connection with nothing in flight, half-open ones included. */
  dropIdle(): void {
    for (const socket of this.#sockets) if (!this.#inflight.has(socket)) socket.destroy();
  }
}
