// StatsD over TCP: newline-delimited lines on long-lived connections, each line bounded in length.
import { createServer, type Server, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { getLogger } from '@sightline/core';
import { listen } from '@sightline/core/internal';
import type { IngestCounters } from '../ingest-stats.js';
import type { StatsdIngest } from '../statsd/statsd-ingest.js';

const log = getLogger('sightline.stats-server.statsd.tcp');

export class TcpListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly ingest: StatsdIngest,
    private readonly maxLineBytes: number,
    private readonly maxConnections: number,
    private readonly counters: IngestCounters,
  ) {}

  listen(): Promise<number> {
    const server = createServer((socket) => this.onConnection(socket));
    this.server = server;
    server.maxConnections = this.maxConnections;
    server.on('drop', () => this.counters.connectionsRefused++);
    return listen(server, this.port, this.host).then(
      (address) => {
        server.on('error', (error) => log.warn('TCP server error', { error: error.message }));
        return address.port;
      },
      (error: unknown) => {
        this.server = undefined;
        throw error;
      },
    );
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    const source = `tcp ${socket.remoteAddress ?? 'unknown'}`;
    this.sockets.add(socket);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    // Set while the rest of an over-long line is being skipped, up to its newline.
    let skipping = false;

    const take = (text: string) => {
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl === -1) break;
        if (skipping) skipping = false;
        else this.ingest.handleLine(pending + text.slice(start, nl), source);
        pending = '';
        start = nl + 1;
      }
      if (skipping) return;
      pending += text.slice(start);
      if (pending.length > this.maxLineBytes) {
        this.ingest.badLine(`line longer than ${this.maxLineBytes} characters`, pending, source);
        pending = '';
        skipping = true;
      }
    };

    socket.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
    socket.on('end', () => {
      take(decoder.end());
      if (pending.length > 0 && !skipping) this.ingest.handleLine(pending, source);
      pending = '';
      socket.end();
    });
    socket.on('error', (error) => log.debug('TCP connection error', { source, error: error.message }));
    socket.on('close', () => this.sockets.delete(socket));
  }
}
