// A real Prometheus scrapes /metrics through the bearer token, configured with the repository's own
// docs/prometheus/prometheus.yml (targets and secrets pointed at this test), which promtool accepts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHealthServer, type HealthServer } from '../../src/index.js';

const DOCS_CONFIG = join(__dirname, '../../../../docs/prometheus/prometheus.yml');
const TOKEN = 'e2e-scrape-token';

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Prometheus scraping @sightline/health', () => {
  let health: HealthServer | undefined;
  let prometheus: ChildProcess | undefined;
  let dir = '';

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await new Promise((r) => prometheus!.once('exit', r));
    }
    await health?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes the check docs/prometheus/prometheus.yml documents, run as written', () => {
    const documented = /^# Check with: (promtool .+)$/m.exec(readFileSync(DOCS_CONFIG, 'utf8'))?.[1];
    expect(documented).toBe('promtool check config --syntax-only prometheus.yml');
    const output = execFileSync('sh', ['-c', `${documented} 2>&1`], { cwd: dirname(DOCS_CONFIG), encoding: 'utf8' });
    expect(output).toContain('SUCCESS: prometheus.yml is valid prometheus config file syntax');
  });

  it('scrapes /metrics with the bearer token using docs/prometheus/prometheus.yml', async () => {
    if (!which('prometheus') || !which('promtool')) {
      throw new Error('prometheus and promtool are needed (Debian package "prometheus"; .ci/run installs it)');
    }
    let scrapes = 0;
    health = await createHealthServer({
      port: 0,
      host: '127.0.0.1',
      signals: [],
      env: {},
      metricsToken: TOKEN,
      metricsRateLimit: false,
      metrics: {
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        render: () => {
          scrapes++;
          return '# HELP sightline_orders_total Orders processed.\n# TYPE sightline_orders_total counter\nsightline_orders_total 42\n';
        },
      },
    });

    dir = mkdtempSync(join(tmpdir(), 'sightline-health-prom-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, TOKEN);
    const config = readFileSync(DOCS_CONFIG, 'utf8')
      .replace("'localhost:8080'", `'127.0.0.1:${health.port}'`)
      .replaceAll('/etc/prometheus/secrets/orders-metrics-token', tokenFile)
      .replace(/scrape_interval: \d+s/g, 'scrape_interval: 1s')
      .replace(/scrape_timeout: \d+s/g, 'scrape_timeout: 1s');
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, config);
    expect(execFileSync('promtool', ['check', 'config', configFile], { encoding: 'utf8' })).toContain('SUCCESS');

    const port = await freePort();
    prometheus = spawn(
      'prometheus',
      [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`],
      { stdio: 'ignore' },
    );

    const query = async (q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.data.result;
    };
    let result: Awaited<ReturnType<typeof query>> = [];
    for (let i = 0; i < 120 && result.length === 0; i++) {
      await sleep(500);
      result = await query('sightline_orders_total').catch(() => []);
    }
    expect(result).toHaveLength(1);
    expect(result[0]!.value[1]).toBe('42');
    expect(result[0]!.metric).toMatchObject({ job: 'orders', instance: 'default', environment: 'production' });
    const up = await query('up{job="orders"}');
    expect(up[0]!.value[1]).toBe('1');
    expect(scrapes).toBeGreaterThan(0);
  });
});
