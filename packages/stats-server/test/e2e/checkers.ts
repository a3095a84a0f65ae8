// The real checkers of an exposition: promtool (Debian `prometheus`) for the text format, the
// reference OpenMetrics parser (Debian `python3-prometheus-client`) for OpenMetrics.
import { spawnSync } from 'node:child_process';
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

/** The strict OpenMetrics parser on a body; the samples it read, or what it refused. */
export function openMetricsParse(body: string): CheckResult & { samples?: [string, string, Record<string, string>, number][] } {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install -y python3-prometheus-client`);
  const result = spawnSync(PYTHON, ['-c', OPENMETRICS_CHECK], { input: body, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out = { status: result.status, stdout: result.stdout, stderr: result.stderr };
  return result.status === 0 ? { ...out, samples: JSON.parse(result.stdout) as [string, string, Record<string, string>, number][] } : out;
}
