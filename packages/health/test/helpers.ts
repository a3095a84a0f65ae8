import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { setLogLevel, type HealthCheck, type HealthResult } from '@sightline/core';
import { createHealthServer, type HealthServer, type HealthServerOptions } from '../src/index.js';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  json(): unknown;
}

/** One HTTP request on a fresh connection (no agent, nothing left open). */
export function get(url: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const open: HealthServer[] = [];

/** A server on 127.0.0.1 port 0 that handles no signals; closed after each test. */
export async function startServer(options: HealthServerOptions = {}): Promise<HealthServer> {
  const server = await createHealthServer({ port: 0, host: '127.0.0.1', signals: [], env: {}, ...options });
  open.push(server);
  return server;
}

export async function closeServers(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

/** A check that answers `result` and counts its calls. */
export function countingCheck(name: string, result: HealthResult = { healthy: true }, extra: Partial<HealthCheck> = {}) {
  const check = {
    name,
    calls: 0,
    ...extra,
    check() {
      check.calls++;
      return Promise.resolve(result);
    },
  };
  return check;
}

/** A check that never settles until `release()` is called. */
export function hangingCheck(name: string, extra: Partial<HealthCheck> = {}) {
  let release: (r: HealthResult) => void = () => undefined;
  const check = {
    name,
    calls: 0,
    ...extra,
    check() {
      check.calls++;
      return new Promise<HealthResult>((resolve) => {
        release = resolve;
      });
    },
    release: (r: HealthResult = { healthy: true }) => release(r),
  };
  return check;
}

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Keeps the package's expected warnings (failing checks, forced closes) out of the test output. */
export function quietLogs(): void {
  beforeAll(() => setLogLevel('sightline.health', 'silent'));
  afterAll(() => setLogLevel('sightline.health', undefined));
}
