// The real checkers of an exposition: promtool (Debian `prometheus`) for the text format, the
// reference OpenMetrics parser (Debian `python3-prometheus-client`) for OpenMetrics.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBinary } from '../../../../test/support/prometheus-server.js';

const PYTHON = '/usr/bin/python3';
const OPENMETRICS_CHECK = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append([family.type, s.name, s.labels, s.value])
print(json.dumps(out))
`;

export interface CheckResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `promtool check metrics` on a Prometheus text body: status 0 and no output when it is valid. */
export function promtoolCheck(body: string): CheckResult {
  const result = spawnSync(findBinary('promtool'), ['check', 'metrics'], { input: body, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// promtool's advice on names a peer chose (`hasOwnProperty` is camelCase, a gauge `x_sum`, `size_h`):
// the body parses and is valid; the server exposes the names it was sent.
const NAME_STYLE_LINT =
  /(should be written in 'snake_case' not 'camelCase'|non-histogram and non-summary metrics should not have "_(sum|count|bucket)" suffix|metric names should not contain abbreviated units)$/;

/**
 * What promtool finds wrong beyond the style of names peers chose: [] when the body is valid. Exit
 * status 1 is a parse error; 3 is lint advice, each line of which is kept unless it is name style.
 */
export function promtoolProblems(body: string): string[] {
  return problemsOf(promtoolCheck(body));
}

/**
 * `promtoolProblems`, without blocking the event loop while promtool reads the body: a soak's
 * traffic goes on meanwhile (a 20 MB body takes promtool seconds, long enough for a blocked
 * client's sockets to time out).
 */
export async function promtoolProblemsAsync(body: string): Promise<string[]> {
  return problemsOf(await runAsync(findBinary('promtool'), ['check', 'metrics'], body));
}

/** `openMetricsParse`'s verdict, without blocking the event loop (see `promtoolProblemsAsync`). */
export async function openMetricsCheckAsync(body: string): Promise<CheckResult> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install -y python3-prometheus-client`);
  return runAsync(PYTHON, ['-c', OPENMETRICS_CHECK], body);
}

function runAsync(command: string, args: readonly string[], input: string): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdin.on('error', () => undefined);
    child.once('error', reject);
    child.once('close', (status) =>
      resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    child.stdin.end(input);
  });
}

function problemsOf({ status, stdout, stderr }: CheckResult): string[] {
  if (status === 0) return [];
  const lines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.trim() !== '');
  if (status !== 3) return [`promtool exit ${status}`, ...lines.slice(0, 5)];
  return lines.filter((l) => !NAME_STYLE_LINT.test(l)).slice(0, 5);
}

/** The strict OpenMetrics parser on a body; the samples it read, or what it refused. */
export function openMetricsParse(body: string): CheckResult & { samples?: [string, string, Record<string, string>, number][] } {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install -y python3-prometheus-client`);
  const result = spawnSync(PYTHON, ['-c', OPENMETRICS_CHECK], { input: body, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out = { status: result.status, stdout: result.stdout, stderr: result.stderr };
  return result.status === 0 ? { ...out, samples: JSON.parse(result.stdout) as [string, string, Record<string, string>, number][] } : out;
}
