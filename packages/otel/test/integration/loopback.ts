// A loopback OTLP/HTTP receiver and a way to run an application in a child Node process against it,
// from this package's source bundled by esbuild. The SDK's HTTP transport loads node:http with a
// dynamic import(), which jest's module sandbox refuses without --experimental-vm-modules; the child
// is also simply what a user runs.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { decodeLogs, decodeMetrics, decodeTraces, type Decoded } from './otlp-proto.js';

export const packageDir = resolve(__dirname, '../..');
// Inside the package's node_modules, so the bundle resolves @opentelemetry/* as the package does.
export const bundle = join(packageDir, 'node_modules', '.cache', 'sightline-otel-test', 'otel.cjs');

let bundled: Promise<void> | undefined;

/** Bundles src/ once per test file (into a CommonJS file the child requires). */
export function bundleSource(): Promise<void> {
  bundled ??= (async () => {
    mkdirSync(join(bundle, '..'), { recursive: true });
    await build({
      entryPoints: [join(packageDir, 'src/index.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['@opentelemetry/*'],
      alias: {
        '@sightline/core/internal': join(packageDir, '../core/src/internal.ts'),
        '@sightline/core': join(packageDir, '../core/src/index.ts'),
      },
      logLevel: 'error',
    });
  })();
  return bundled;
}

export interface Received {
  readonly method: string;
  /** The path after the run's prefix, e.g. `/v1/traces`. */
  readonly path: string;
  readonly prefix: string;
  readonly headers: IncomingHttpHeaders;
  /** The body, gunzipped when it came gzip-encoded. */
  readonly body: Buffer;
  readonly at: number;
  /** The client went away before the receiver answered (an exporter's timeout). */
  aborted: boolean;
}

export interface Receiver {
  readonly port: number;
  readonly received: Received[];
  /** What reached the receiver under one run's prefix. */
  forRun(prefix: string): Received[];
  close(): Promise<void>;
}

export interface ReceiverBehaviour {
  /** Milliseconds to wait before answering a request at this path (default 0). */
  delayMs?(prefix: string, path: string): number;
  /** The status to answer with (default 200). */
  status?(prefix: string, path: string): number;
}

export async function startReceiver(behaviour: ReceiverBehaviour = {}): Promise<Receiver> {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const second = url.indexOf('/', 1);
      const prefix = second === -1 ? url : url.slice(0, second);
      const path = second === -1 ? '/' : url.slice(second);
      const raw = Buffer.concat(chunks);
      const entry: Received = {
        method: req.method ?? '',
        path,
        prefix,
        headers: req.headers,
        body: req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw,
        at: Date.now(),
        aborted: false,
      };
      received.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) entry.aborted = true;
      });
      const answer = () => {
        if (res.destroyed) return;
        const status = behaviour.status?.(prefix, path) ?? 200;
        const json = String(req.headers['content-type']).includes('json');
        res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : undefined);
      };
      const delay = behaviour.delayMs?.(prefix, path) ?? 0;
      if (delay <= 0) answer();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delay);
        timers.add(timer);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    received,
    forRun: (prefix) => received.filter((r) => r.prefix === prefix),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface AppRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` in a child Node with `env` on top of a clean environment (no OTEL_* from the parent). */
export function runApp(script: string, env: Readonly<Record<string, string>>, timeoutMs = 20_000): Promise<AppRun> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('OTEL_') && !k.startsWith('SIGHTLINE_')) base[k] = v;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-e', script],
      { cwd: packageDir, env: { ...base, BRIDGE: bundle, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Decodes a request by its path (and content type: JSON for http/json). */
export function decode(r: Received): Decoded {
  if (String(r.headers['content-type']).includes('json')) return JSON.parse(r.body.toString('utf8')) as Decoded;
  if (r.path.endsWith('/v1/traces') || r.path.includes('traces')) return decodeTraces(r.body);
  if (r.path.endsWith('/v1/metrics') || r.path.includes('metrics')) return decodeMetrics(r.body);
  return decodeLogs(r.body);
}
