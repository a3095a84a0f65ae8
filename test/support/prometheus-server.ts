// A real Prometheus server for end-to-end tests: started on loopback with a generated config and
// throwaway storage, queried through its HTTP API, killed in afterAll.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The path of a system binary, or an error saying how to install it (CI's .ci/run does). */
export function findBinary(name: string, aptPackage = 'prometheus'): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/local/bin']) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed: apt-get install -y ${aptPackage} (CI's .ci/run installs it)`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns something other than undefined; throws what it last threw on timeout. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface PrometheusServer {
  readonly url: string;
  /** An instant query; throws on a query error. */
  query(expr: string): Promise<Sample[]>;
  /** Waits until every scrape target is up (throws the target's last error if it has one). */
  waitForTargets(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PrometheusServerOptions {
  /** `host:port` of each target scraped at `metricsPath`. */
  readonly targets: readonly string[];
  readonly metricsPath?: string;
  readonly jobName?: string;
  readonly ruleFiles?: readonly string[];
  readonly scrapeIntervalSecs?: number;
  /** More command-line flags, e.g. `--enable-feature=exemplar-storage`. */
  readonly extraArgs?: readonly string[];
}

export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const bin = findBinary('prometheus');
  const work = mkdtempSync(join(tmpdir(), 'sightline-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const interval = `${options.scrapeIntervalSecs ?? 1}s`;
  const config = join(work, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      `  - job_name: ${options.jobName ?? 'sightline'}`,
      `    metrics_path: ${options.metricsPath ?? '/metrics'}`,
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(work, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(work, { recursive: true, force: true });
  };

  const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T;

  try {
    await until('Prometheus to be ready', 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
      return (await fetch(`${url}/-/ready`)).status === 200 ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    async query(expr) {
      const body = await getJson<{ status: string; error?: string; data?: { result: Sample[] } }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data?.result ?? [];
    },
    async waitForTargets(timeoutMs = 30_000) {
      await until('every target to be up', timeoutMs, async () => {
        const body = await getJson<{ data: { activeTargets: Array<{ health: string; lastError: string }> } }>('/api/v1/targets');
        const targets = body.data.activeTargets;
        const failing = targets.find((t) => t.lastError);
        if (failing) throw new Error(failing.lastError);
        return targets.length > 0 && targets.every((t) => t.health === 'up') ? true : undefined;
      });
    },
    stop,
  };
}
