// A loopback OTLP/HTTP receiver and a way to run an application in a child Node process against it,
// from this package's source bundled by esbuild. The SDK's HTTP transport loads node:http with a
// dynamic import(), which jest's module sandbox refuses without --experimental-vm-modules; the child
// is also simply what a user runs.
import { execFile, spawn } from 'node:child_process';
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
  /** The body, gunzipped when it came gzip-encoded; empty until the whole request has arrived. */
  body: Buffer;
  /** The client went away before the receiver answered (an exporter's timeout, or its process exiting). */
  aborted: boolean;
}

export interface Receiver {
  readonly port: number;
  readonly received: Received[];
  /** What reached the receiver under one run's prefix. */
  forRun(prefix: string): Received[];
  /**
   * Resolves once `check` holds for what the receiver has seen, tested again at every request
   * arriving, completing or being abandoned; rejects after `timeoutMs`, naming `what`.
   */
  waitFor(what: string, check: (received: readonly Received[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Answers every request held under `prefix`; the `hold` behaviour decides about later ones. */
  answerHeld(prefix: string): void;
  close(): Promise<void>;
}

export interface ReceiverBehaviour {
  /** Milliseconds to wait before answering a request at this path (default 0). */
  delayMs?(prefix: string, path: string): number;
  /** Holds the answer until `answerHeld(prefix)` or the receiver closes (default false). */
  hold?(prefix: string, path: string): boolean;
  /** The status to answer with (default 200). */
  status?(prefix: string, path: string): number;
}

/** Waiters of `waitFor`, tested again whenever what the receiver has seen changes. */
class Waiters {
  private readonly waiting = new Set<() => boolean>();

  constructor(private readonly received: readonly Received[]) {}

  add(what: string, check: (received: readonly Received[]) => boolean, timeoutMs: number): Promise<void> {
    if (check(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(test);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs).unref();
      const test = (): boolean => {
        if (!check(this.received)) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      this.waiting.add(test);
    });
  }

  changed(): void {
    for (const test of this.waiting) if (test()) this.waiting.delete(test);
  }
}

export async function startReceiver(behaviour: ReceiverBehaviour = {}): Promise<Receiver> {
  const received: Received[] = [];
  const waiters = new Waiters(received);
  const timers = new Set<NodeJS.Timeout>();
  const held = new Map<string, Array<() => void>>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const second = url.indexOf('/', 1);
    const prefix = second === -1 ? url : url.slice(0, second);
    const path = second === -1 ? '/' : url.slice(second);
    const entry: Received = { method: req.method ?? '', path, prefix, headers: req.headers, body: Buffer.alloc(0), aborted: false };
    received.push(entry);
    res.on('close', () => {
      if (res.writableFinished) return;
      entry.aborted = true;
      waiters.changed();
    });
    const answer = () => {
      if (res.destroyed) return;
      const status = behaviour.status?.(prefix, path) ?? 200;
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : undefined);
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      entry.body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      waiters.changed();
      const delay = behaviour.delayMs?.(prefix, path) ?? 0;
      if (behaviour.hold?.(prefix, path) === true) held.set(prefix, [...(held.get(prefix) ?? []), answer]);
      else if (delay <= 0) answer();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delay);
        timers.add(timer);
      }
    });
    waiters.changed();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    received,
    forRun: (prefix) => received.filter((r) => r.prefix === prefix),
    waitFor: (what, check, timeoutMs = 30_000) => waiters.add(what, check, timeoutMs),
    answerHeld(prefix) {
      const answers = held.get(prefix) ?? [];
      held.delete(prefix);
      for (const answer of answers) answer();
    },
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

/** A child application still running: what it printed so far, and a way to let it finish. */
export interface RunningApp {
  stdout(): string;
  stderr(): string;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** Resolves once the app has printed something matching `pattern` on `stream`; rejects when it exits first. */
  printed(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void>;
  /** Closes the app's stdin: an app holding until then goes on. */
  release(): void;
  /** Settles when the app exits. */
  readonly done: Promise<AppRun>;
}

/** The parent's environment without its OTEL_* and SIGHTLINE_* variables, so a child sees only what a test gives. */
function cleanEnv(): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('OTEL_') && !k.startsWith('SIGHTLINE_')) base[k] = v;
  return base;
}

/** Runs `script` in a child Node with `env` on top of a clean environment (no OTEL_* from the parent). */
export function runApp(script: string, env: Readonly<Record<string, string>>, timeoutMs = 20_000): Promise<AppRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-e', script],
      { cwd: packageDir, env: { ...cleanEnv(), BRIDGE: bundle, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Starts `script` like `runApp`, with its stdin open until `release()`, and its output readable while it runs. */
export function startApp(script: string, env: Readonly<Record<string, string>>, timeoutMs = 30_000): RunningApp {
  const child = spawn(process.execPath, ['-e', script], {
    cwd: packageDir,
    env: { ...cleanEnv(), BRIDGE: bundle, ...env },
    timeout: timeoutMs,
  });
  // An app that exits without reading its stdin makes closing it fail: that is no problem of the test's.
  child.stdin.on('error', () => undefined);
  const out = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  const done = new Promise<AppRun>((resolve) => {
    child.on('close', (code) => {
      exited = true;
      for (const listener of listeners) listener();
      resolve({ code, stdout: out.stdout, stderr: out.stderr });
    });
  });
  return {
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    get exited() {
      return exited;
    },
    printed: (stream, pattern) =>
      new Promise((resolve, reject) => {
        const test = () => {
          if (pattern.test(out[stream])) resolve();
          else if (exited) reject(new Error(`the app exited without printing ${String(pattern)} on ${stream}:\n${out.stderr}`));
          else return;
          listeners.delete(test);
        };
        listeners.add(test);
        test();
      }),
    release: () => child.stdin.end(),
    done,
  };
}

/** Decodes a request by its path (and content type: JSON for http/json). */
export function decode(r: Received): Decoded {
  if (String(r.headers['content-type']).includes('json')) return JSON.parse(r.body.toString('utf8')) as Decoded;
  if (r.path.endsWith('/v1/traces') || r.path.includes('traces')) return decodeTraces(r.body);
  if (r.path.endsWith('/v1/metrics') || r.path.includes('metrics')) return decodeMetrics(r.body);
  return decodeLogs(r.body);
}
