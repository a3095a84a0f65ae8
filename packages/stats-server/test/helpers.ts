// Test helpers: an independent request signer and small clients for every listener.
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { connect } from 'node:net';
import { setLogSink, type LogRecord } from '@sightline/core';
import { defaultsOf, resetLogging } from '@sightline/core/internal';
import WebSocket from 'ws';
import type { StatsServer, StatsServerAddress } from '../src/index.js';
import { STATS_SERVER_SHAPE } from '../src/options.js';

/** The protocol's signature, written out here rather than taken from the package under test. */
export function sign(secret: string, timestamp: string, body: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

export interface PostOptions {
  /** Signs with this secret; no signature headers when absent. */
  readonly secret?: string;
  readonly timestamp?: string;
  readonly headers?: Record<string, string>;
  /** Sends without Content-Length (chunked), in pieces of this size. */
  readonly chunkSize?: number;
  readonly path?: string;
  readonly method?: string;
}

/** Sends one request and resolves with the answer, even when the server answers before the body is sent. */
export function httpRequest(url: string, body: string | Buffer | undefined, options: PostOptions = {}): Promise<HttpResult> {
  const timestamp = options.timestamp ?? String(Date.now());
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.secret !== undefined && payload !== undefined) {
    headers['x-sightline-timestamp'] = timestamp;
    headers['x-sightline-signature'] = sign(options.secret, timestamp, payload);
  }
  if (payload !== undefined && options.chunkSize === undefined) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${options.path ?? '/v1/batch'}`,
      { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    // Once the server has answered, a write cut short by its closing the connection is expected.
    req.on('error', (error) => reject(error));
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    if (payload === undefined) return void req.end();
    if (options.chunkSize === undefined) return void req.end(payload);
    let offset = 0;
    const pump = () => {
      while (offset < payload.length) {
        const piece = payload.subarray(offset, offset + options.chunkSize!);
        offset += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    req.on('response', () => {
      offset = payload.length;
    });
    pump();
  });
}

export function postBatch(url: string, batch: unknown, options: PostOptions = {}): Promise<HttpResult> {
  return httpRequest(url, typeof batch === 'string' ? batch : JSON.stringify(batch), options);
}

export function sendUdp(port: number, ...datagrams: (string | Buffer)[]): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    let i = 0;
    const next = (error?: Error | null) => {
      if (error) {
        socket.close();
        return reject(error);
      }
      if (i === datagrams.length) {
        socket.close();
        return resolve();
      }
      socket.send(datagrams[i++]!, port, '127.0.0.1', next);
    };
    next();
  });
}

/** Writes each chunk as its own write, then ends the connection and waits for the server to close it. */
export function sendTcp(port: number, ...chunks: (string | Buffer)[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const writeAll = async (): Promise<void> => {
      for (const chunk of chunks) await new Promise<void>((done) => socket.write(chunk, () => done()));
      socket.end();
    };
    const socket = connect(port, '127.0.0.1', () => void writeAll().catch(reject));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

/** Polls until `check` passes (UDP has no acknowledgement); fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A WebSocket client that sends signed frames and matches acks by id. */
export class WsTestClient {
  private nextId = 1;
  private readonly waiting = new Map<number | null, (ack: Record<string, unknown>) => void>();
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const ack = JSON.parse(rawText(data)) as Record<string, unknown>;
      const id = (ack.id as number | null) ?? null;
      const resolve = this.waiting.get(id);
      this.waiting.delete(id);
      resolve?.(ack);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static open(url: string): Promise<WsTestClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new WsTestClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Sends `body` signed with `secret` (unsigned when undefined) and resolves with the ack. */
  send(body: string, secret: string | undefined, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const timestamp = String(Date.now());
    const frame: Record<string, unknown> = { id, body, ...overrides };
    if (secret !== undefined) {
      frame.timestamp = timestamp;
      frame.signature = sign(secret, timestamp, body);
    }
    Object.assign(frame, overrides);
    return this.sendRaw(JSON.stringify(frame), (frame.id as number | null) ?? null);
  }

  sendRaw(text: string, ackId: number | null): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiting.set(ackId, resolve);
      this.ws.send(text);
    });
  }

  close(): Promise<unknown> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.ws.close();
    return this.closed;
  }
}

/** Captures log records (of any level at or above `level`) until `restore()`. */
export function captureLogs(level: 'debug' | 'info' | 'warn' | 'error' = 'warn') {
  const records: LogRecord[] = [];
  resetLogging({ SIGHTLINE_LOG: level });
  setLogSink((r) => records.push(r));
  return { records, restore: () => resetLogging({}) };
}

/** A MetricStore's name, tag and member limits at the server's defaults, with no prefix. */
export function storeLimits() {
  const d = defaultsOf(STATS_SERVER_SHAPE);
  return {
    prefix: '',
    maxNameLength: d.maxNameLength,
    maxTags: d.maxTags,
    maxTagKeyLength: d.maxTagKeyLength,
    maxTagValueLength: d.maxTagValueLength,
    maxSetMemberLength: d.maxSetMemberLength,
  };
}

/** Starts `server` and resolves with where it listens. */
export async function started(server: StatsServer): Promise<StatsServerAddress> {
  await server.start();
  return server.address();
}

/** A WebSocket message as text, however `ws` delivered its bytes. */
export function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}
