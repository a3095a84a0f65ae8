// The browsers streaming the page's events. One frame is encoded once and written to each; a
// browser that leaves more than `maxBufferBytes` unread is disconnected and counted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getLogger } from '@sightline/core';

const log = getLogger('sightline.status');

export interface SseStats {
  readonly connected: number;
  /** Refused because `maxClients` were already connected. */
  readonly refused: number;
  /** Disconnected for not reading their stream. */
  readonly slowDisconnected: number;
}

/** One Server-Sent Events frame. The JSON has no raw newlines, so one `data:` line holds it. */
export function sseFrame(event: string, data: unknown): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8');
}

export class SseHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #maxClients: number;
  readonly #maxBufferBytes: number;
  #refused = 0;
  #slow = 0;

  constructor(maxClients: number, maxBufferBytes: number) {
    this.#maxClients = maxClients;
    this.#maxBufferBytes = maxBufferBytes;
  }

  get size(): number {
    return this.#clients.size;
  }

  stats(): SseStats {
    return { connected: this.#clients.size, refused: this.#refused, slowDisconnected: this.#slow };
  }

  /** Starts a stream with the frames a new browser needs; false (and a 503 sent) when full. */
  open(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>, first: readonly Buffer[]): boolean {
    if (this.#clients.size >= this.#maxClients) {
      this.#refused++;
      const body = JSON.stringify({
        error: 'too_many_clients',
        message: `the status page streams to at most ${this.#maxClients} browsers at once`,
      });
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '5',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return false;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // A stream is never followed by another request on its connection: when it ends, so does the socket.
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    this.#clients.add(res);
    const forget = () => this.#clients.delete(res);
    res.on('close', forget);
    req.on('close', forget);
    // The browser reconnects after 2 s when the stream drops.
    res.write('retry: 2000\n\n');
    for (const frame of first) res.write(frame);
    return true;
  }

  broadcast(frame: Buffer): void {
    for (const res of this.#clients) {
      if (res.writableLength > this.#maxBufferBytes) {
        this.#slow++;
        this.#clients.delete(res);
        log.warn('a status page client stopped reading its stream; disconnected', {
          unreadBytes: res.writableLength,
          limit: this.#maxBufferBytes,
        });
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }

  /**
   * Ends every stream and its connection, so a closing server does not wait for them. A stream that
   * has drained ends cleanly (the last chunk written, so clients such as undici's fetch see an end
   * rather than a broken response); one with unread bytes is cut, since ending it would wait on a
   * reader that is not reading.
   */
  closeAll(): void {
    for (const res of this.#clients) {
      if (res.writableLength > 0) res.destroy();
      else res.end();
    }
    this.#clients.clear();
  }
}
