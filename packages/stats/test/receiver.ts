// A minimal stats receiver for the transport tests: the protocol's HTTP and WebSocket ingest with
// real HMAC verification, recording what arrives. Not the real stats-server; just enough of it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { verifySignature } from '@sightline/stats-protocol';
import type { MetricRecord } from '../src/index.js';

export const TLS = {
  key: readFileSync(join(__dirname, 'fixtures/localhost-key.pem')),
  cert: readFileSync(join(__dirname, 'fixtures/localhost-cert.pem')),
};

export interface ReceiverOptions {
  readonly secrets: readonly string[];
  readonly tls?: boolean;
  readonly port?: number;
}

export class TestReceiver {
  /** Bodies accepted, parsed. */
  readonly batches: MetricRecord[][] = [];
  /** Status of every request / frame answered. */
  readonly statuses: number[] = [];
  /** Raw signature headers seen (to check the secret is never sent). */
  readonly rawRequests: string[] = [];
  /** Answer with this status instead of processing (e.g. 503), or ignore WS frames ('silent'). */
  override: number | 'silent' | undefined;
  /** WebSocket connections accepted. */
  connections = 0;
  private server!: http.Server;
  private wss!: WebSocketServer;
  port = 0;

  private constructor(private readonly options: ReceiverOptions) {}

  static async start(options: ReceiverOptions): Promise<TestReceiver> {
    const r = new TestReceiver(options);
    await r.listen(options.port ?? 0);
    return r;
  }

  private handle(
    timestamp: string | undefined,
    signature: string | undefined,
    body: string,
  ): { status: number; reply: Record<string, unknown> } {
    if (typeof this.override === 'number') return { status: this.override, reply: { error: `forced ${this.override}` } };
    if (verifySignature({ secrets: this.options.secrets, timestamp, signature, body }) !== 'ok')
      return { status: 401, reply: { error: 'unauthorized' } };
    let parsed: { v?: number; metrics?: MetricRecord[] };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return { status: 400, reply: { error: 'malformed JSON' } };
    }
    if (parsed.v !== 1 || !Array.isArray(parsed.metrics)) return { status: 400, reply: { error: 'expected {"v":1,"metrics":[...]}' } };
    this.batches.push(parsed.metrics);
    return { status: 200, reply: { accepted: parsed.metrics.length, rejected: 0, errors: [] } };
  }

  private async listen(port: number): Promise<void> {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.rawRequests.push(JSON.stringify(req.headers) + body);
        const ts = req.headers['x-sightline-timestamp'];
        const sig = req.headers['x-sightline-signature'];
        const { status, reply } =
          req.method !== 'POST' || req.url !== '/v1/batch'
            ? { status: 404, reply: { error: 'not found' } }
            : this.handle(typeof ts === 'string' ? ts : undefined, typeof sig === 'string' ? sig : undefined, body);
        this.statuses.push(status);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    };
    this.server = this.options.tls ? https.createServer(TLS, onRequest) : http.createServer(onRequest);
    this.wss = new WebSocketServer({ server: this.server, path: '/v1/ws' });
    this.wss.on('connection', (socket) => {
      this.connections++;
      socket.on('message', (data) => {
        const text = Buffer.isBuffer(data)
          ? data.toString('utf8')
          : (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
        this.rawRequests.push(text);
        if (this.override === 'silent') return;
        let frame: { id?: number; timestamp?: string; signature?: string; body?: string };
        try {
          frame = JSON.parse(text) as typeof frame;
        } catch {
          return;
        }
        const { status, reply } = this.handle(frame.timestamp, frame.signature, String(frame.body));
        this.statuses.push(status);
        socket.send(JSON.stringify({ id: frame.id, status, ...reply }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every connection. */
  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  get metrics(): MetricRecord[] {
    return this.batches.flat();
  }

  counter(name: string): number {
    return this.metrics.reduce((s, m) => (m.type === 'counter' && m.name === name ? s + m.value : s), 0);
  }

  gauge(name: string): number | undefined {
    let v: number | undefined;
    for (const m of this.metrics) if (m.type === 'gauge' && m.name === name) v = m.value;
    return v;
  }

  samples(name: string): number[] {
    return this.metrics.flatMap((m) => ((m.type === 'timer' || m.type === 'histogram') && m.name === name ? m.values : []));
  }
}
