// The HTTP listener's connection limit, kept for the clients that use it. Node's own maxConnections
// closes whichever connection comes next, so idle or half-open sockets, held for up to
// requestTimeoutMs each and opened again and again, would lock out batches and scrapes. Here a new
// connection at the limit takes the slot of the oldest connection with no request under way (idle
// keep-alive, or headers not complete); only when every slot has a request running, or belongs to
// a WebSocket, is the newcomer closed.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { IngestCounters } from '../ingest-stats.js';

export class ConnectionSlots {
  /** Open connections, oldest first (a Set keeps insertion order). */
  readonly #open = new Set<Socket>();
  /** Connections with a request under way (headers in, response not finished), or upgraded. */
  readonly #busy = new Set<Socket>();

  constructor(
    private readonly max: number,
    private readonly counters: IngestCounters,
  ) {}

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => this.#admit(socket));
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.#busy.add(socket);
      res.once('close', () => this.#busy.delete(socket));
    });
    // A WebSocket keeps its connection for as long as it is open.
    server.on('upgrade', (req) => this.#busy.add(req.socket));
  }

  #admit(socket: Socket): void {
    if (this.#open.size >= this.max) {
      let idle: Socket | undefined;
      for (const candidate of this.#open) {
        if (!this.#busy.has(candidate)) {
          idle = candidate;
          break;
        }
      }
      if (idle === undefined) {
        this.counters.connectionsRefused++;
        socket.destroy();
        return;
      }
      this.counters.connectionsEvicted++;
      this.#open.delete(idle);
      idle.destroy();
    }
    this.#open.add(socket);
    socket.once('close', () => {
      this.#open.delete(socket);
      this.#busy.delete(socket);
    });
  }
}
