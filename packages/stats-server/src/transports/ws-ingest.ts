// WebSocket ingest on /v1/ws: one signed batch per frame, one JSON ack per frame.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { getLogger } from '@sightline/core';
import { parseWsFrame } from '@sightline/stats-protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BatchIngest, BatchOutcome } from '../batch/batch-ingest.js';

const log = getLogger('sightline.stats-server.ws');
const HEARTBEAT_MS = 30_000;
const CLOSE_GRACE_MS = 1_000;

export interface WsAck extends BatchOutcome {
  readonly id: number | null;
}

export class WsIngest {
  private readonly wss: WebSocketServer;
  private readonly alive = new WeakSet<WebSocket>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly ingest: BatchIngest,
    maxBodyBytes: number,
  ) {
    // A frame over maxPayload makes ws close the socket with 1009 (message too big).
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes, perMessageDeflate: false });
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.onConnection(ws, req));
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get connections(): number {
    return this.wss.clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Sends a close frame to every client, waits briefly for them to go, then cuts the rest. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const clients = [...this.wss.clients];
    for (const ws of clients) ws.close(1001, 'server closing');
    if (clients.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        const check = () => {
          if (this.wss.clients.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
        for (const ws of clients) ws.once('close', check);
        check();
      });
      for (const ws of this.wss.clients) ws.terminate();
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private ping(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const source = `ws ${req.socket.remoteAddress ?? 'unknown'}`;
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('message', (data: RawData) => {
      const ack = this.handleFrame(toBuffer(data), source);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(ack));
    });
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.ingest.tooLarge(source);
      else log.debug('websocket error', { source, error: error.message });
    });
  }

  /** Parses the envelope `{id, timestamp, signature, body}` and hands the body to the batch ingest. */
  handleFrame(frame: Buffer, source: string): WsAck {
    const parsed = parseWsFrame(frame.toString('utf8'));
    if (!parsed.ok) return { id: parsed.id, ...this.ingest.badRequest(parsed.error, source) };
    return { id: parsed.id, ...this.ingest.handle(Buffer.from(parsed.body, 'utf8'), parsed.timestamp, parsed.signature, source) };
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
