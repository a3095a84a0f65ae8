// The default transport: each batch is one HMAC-signed JSON POST to /v1/batch over HTTP(S), on
// keep-alive connections. 2xx delivers, 401 is an auth failure, other 4xx a refusal (neither retried),
// 5xx and network errors are retryable.
import http from 'node:http';
import https from 'node:https';
import {
  BATCH_CONTENT_TYPE,
  BATCH_PATH,
  encodeBatch,
  newBatchId,
  SIGNATURE_HEADER,
  signBatch,
  TIMESTAMP_HEADER,
} from '@sightline/stats-protocol';
import { runAsToolkit } from '@sightline/core/internal';
import { canSplit, type Batch } from '../batch.js';
import { StatsTransportError } from '../errors.js';
import type { ResolvedTlsOptions } from '../options.js';
import type { SendResult, Transport } from './transport.js';

const MAX_RESPONSE_BYTES = 64 * 1024;

/** Where and how the http and ws transports send signed batches. */
export interface SignedTransportOptions {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly tls?: boolean;
  readonly tlsOptions?: ResolvedTlsOptions;
  readonly timeoutMs: number;
  /** Largest body (http) or frame (ws) sent; a larger batch is answered `too-large` at once, and split by the queue. */
  readonly maxBatchBytes: number;
}

/** A batch whose body or frame is over the limit: the queue splits it and sends the halves. */
export function tooLarge(target: string, bytes: number, max: number): SendResult {
  return {
    ok: false,
    error: new StatsTransportError('too-large', `${target}: a batch of ${bytes} bytes is over maxBatchBytes ${max}; splitting it`),
  };
}

/** Turns a server's status and body into a send result (shared with the WebSocket acks). */
export function resultForStatus(
  status: number,
  body: { accepted?: unknown; rejected?: unknown; error?: unknown; errors?: unknown },
  target: string,
): SendResult {
  if (status >= 200 && status < 300) {
    const accepted = typeof body.accepted === 'number' ? body.accepted : undefined;
    const rejected = typeof body.rejected === 'number' ? body.rejected : 0;
    const result = accepted === undefined ? { ok: true as const, rejected } : { ok: true as const, accepted, rejected };
    // Metrics refused on their own must reach onError too, or a refused value is lost unheard.
    return rejected > 0 ? { ...result, refused: refusedMetrics(status, rejected, accepted, body.errors, target) } : result;
  }
  // A replay of a batch the server already applied (a retry whose first answer was lost): delivered.
  if (status === 409) return { ok: true, rejected: 0 };
  const detail = typeof body.error === 'string' ? `: ${body.error.slice(0, 200)}` : '';
  if (status === 401) {
    return {
      ok: false,
      error: new StatsTransportError(
        'auth',
        `${target} answered 401 unauthorized: check that the client's secret is one the server accepts and that both clocks agree`,
        { status },
      ),
    };
  }
  if (status === 413)
    return {
      ok: false,
      error: new StatsTransportError('too-large', `${target} refused the batch as too large (413)${detail}; splitting it`, { status }),
    };
  if (status >= 500) return { ok: false, error: new StatsTransportError('server', `${target} answered ${status}${detail}`, { status }) };
  return { ok: false, error: new StatsTransportError('rejected', `${target} refused the batch with ${status}${detail}`, { status }) };
}

const MAX_REFUSALS_SHOWN = 3;

/** The server's per-metric refusals (`errors: [{index, message}]`) as one error naming the first few. */
function refusedMetrics(
  status: number,
  rejected: number,
  accepted: number | undefined,
  errors: unknown,
  target: string,
): StatsTransportError {
  const details = (Array.isArray(errors) ? (errors as unknown[]) : [])
    .filter((e): e is { index?: unknown; message: string } => typeof (e as { message?: unknown } | null)?.message === 'string')
    .slice(0, MAX_REFUSALS_SHOWN)
    .map((e) => `${typeof e.index === 'number' ? `#${e.index} ` : ''}${e.message.slice(0, 200)}`);
  const more = rejected > details.length ? `${details.length > 0 ? '; ' : ''}${rejected - details.length} more` : '';
  const of = accepted === undefined ? '' : ` of ${accepted + rejected}`;
  return new StatsTransportError(
    'rejected',
    `${target} applied the batch but refused ${rejected}${of} metric(s) on their own, which are lost: ${details.join('; ')}${more}`,
    { status },
  );
}

export class HttpTransport implements Transport {
  readonly protocol = 'http';
  readonly target: string;
  readonly #secret: string;
  readonly #agent: http.Agent;
  readonly #options: SignedTransportOptions;
  readonly #bodies = new WeakMap<Batch, Buffer>();

  constructor(options: SignedTransportOptions) {
    this.#options = options;
    this.#secret = options.secret;
    const tls = options.tls === true;
    this.target = `${tls ? 'https' : 'http'}://${options.host}:${options.port}${BATCH_PATH}`;
    this.#agent = tls
      ? new https.Agent({ keepAlive: true, maxSockets: 4, ...(options.tlsOptions as https.AgentOptions | undefined) })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  send(batch: Batch): Promise<SendResult> {
    let body = this.#bodies.get(batch);
    if (body === undefined) {
      // One id per batch, kept across retries: the server applies a batch once (409 on a replay).
      body = Buffer.from(encodeBatch(batch.metrics, newBatchId()), 'utf8');
      this.#bodies.set(batch, body);
    }
    const max = this.#options.maxBatchBytes;
    if (body.length > max && canSplit(batch)) return Promise.resolve(tooLarge(this.target, body.length, max));
    // A fresh timestamp per attempt: a retry after a long outage must not look stale.
    const timestamp = String(Date.now());
    const signature = signBatch(this.#secret, timestamp, body);
    const payload = body;
    // The toolkit's own traffic: the HTTP instrumentation leaves the batch out of the app's spans and metrics.
    return runAsToolkit(() => this.#post(payload, timestamp, signature));
  }

  #post(payload: Buffer, timestamp: string, signature: string): Promise<SendResult> {
    const opts = this.#options;
    const timeoutMs = opts.timeoutMs;
    return new Promise<SendResult>((resolve) => {
      let done = false;
      const finish = (result: SendResult): void => {
        if (!done) {
          done = true;
          resolve(result);
        }
      };
      const request = (opts.tls ? https : http).request(
        {
          host: opts.host,
          port: opts.port,
          method: 'POST',
          path: BATCH_PATH,
          agent: this.#agent,
          timeout: timeoutMs,
          headers: {
            'content-type': BATCH_CONTENT_TYPE,
            'content-length': payload.length,
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signature,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          });
          response.on('error', (error) => finish(network(this.target, error)));
          response.on('end', () => {
            let parsed: Record<string, unknown> = {};
            try {
              const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
              if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
            } catch {
              // A proxy's HTML error page: the status says enough.
            }
            finish(resultForStatus(response.statusCode ?? 0, parsed, this.target));
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error) => finish(network(this.target, error)));
      request.end(payload);
    });
  }

  close(): Promise<void> {
    this.#agent.destroy();
    return Promise.resolve();
  }
}

function network(target: string, error: Error): SendResult {
  const code = (error as NodeJS.ErrnoException).code;
  return { ok: false, error: new StatsTransportError('network', `${target}: ${code ? `${code} ` : ''}${error.message}`, { cause: error }) };
}
