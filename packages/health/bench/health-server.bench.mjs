// Requests per second on the liveness and readiness probes: @sightline/health against lightship,
// in one run, autocannon on loopback with 50 connections. Each server runs in its own child process
// so the load generator does not share its event loop. Rounds alternate which server goes first.
//
// The machines are shared and noisy: each round measures both servers back to back, and the ratio
// reported is the median of the per-round ratios (pairs measured close in time share the noise).
// Requests per second depend on how much CPU the other processes leave; the server's own CPU time
// per request (asked of each child over IPC) is steadier, and reported beside it (lightship / ours).
// All figures are medians over the rounds.
//
//   node bench/health-server.bench.mjs            (BENCH_SECONDS=2 BENCH_ROUNDS=11 by default)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
const connections = 50;

const targets = {
  sightline: { script: 'servers/sightline.mjs', paths: { live: '/health/live', ready: '/health/ready' } },
  lightship: { script: 'servers/lightship.mjs', paths: { live: '/live', ready: '/ready' } },
};

async function startTarget(name) {
  const proc = spawn(process.execPath, [fileURLToPath(new URL(targets[name].script, import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const [chunk] = await once(proc.stdout, 'data');
  const { port } = JSON.parse(chunk.toString().split('\n')[0]);
  return { proc, url: `http://127.0.0.1:${port}` };
}

// Server CPU time (user + system, microseconds), asked of the child over IPC.
async function cpuOf(proc) {
  proc.send('cpu');
  const [usage] = await once(proc, 'message');
  return usage.user + usage.system;
}

async function load(url, duration, proc) {
  const before = proc ? await cpuOf(proc) : 0;
  const result = await autocannon({ url, connections, duration, pipelining: 1 });
  const cpuUs = proc ? (await cpuOf(proc)) - before : 0;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors`);
  }
  return { rps: result.requests.average, cpuPerRequestUs: cpuUs / result.requests.total };
}

const running = {};
for (const name of Object.keys(targets)) running[name] = await startTarget(name);

try {
  // Warm-up: JIT and connection setup for both, not measured.
  for (const name of Object.keys(targets)) {
    for (const path of Object.values(targets[name].paths)) await load(`${running[name].url}${path}`, 1);
  }

  const samples = { sightline: { live: [], ready: [] }, lightship: { live: [], ready: [] } };
  const cpu = { sightline: { live: [], ready: [] }, lightship: { live: [], ready: [] } };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['sightline', 'lightship'] : ['lightship', 'sightline'];
    for (const probe of ['live', 'ready']) {
      for (const name of order) {
        const { rps, cpuPerRequestUs } = await load(`${running[name].url}${targets[name].paths[probe]}`, seconds, running[name].proc);
        samples[name][probe].push(rps);
        cpu[name][probe].push(cpuPerRequestUs);
        console.log(
          `round ${round + 1} ${probe.padEnd(5)} ${name.padEnd(9)} ${Math.round(rps).toLocaleString('en-US').padStart(7)} req/s  ${cpuPerRequestUs.toFixed(1)} us CPU/req`,
        );
      }
    }
  }

  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`\nautocannon, ${connections} connections, ${rounds} rounds x ${seconds}s per server and probe, Node ${process.version}`);
  console.log('| probe | @sightline/health req/s | lightship req/s | req/s ratio | server CPU per request, ours / lightship | CPU ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const probe of ['live', 'ready']) {
    const ours = samples.sightline[probe];
    const theirs = samples.lightship[probe];
    const ratio = median(ours.map((x, i) => x / theirs[i]));
    const cpuOurs = median(cpu.sightline[probe]);
    const cpuTheirs = median(cpu.lightship[probe]);
    const cpuRatio = median(cpu.lightship[probe].map((x, i) => x / cpu.sightline[probe][i]));
    console.log(
      `| ${targets.sightline.paths[probe]} vs ${targets.lightship.paths[probe]} | ${fmt(median(ours))} | ${fmt(median(theirs))} | ${ratio.toFixed(2)}x | ${cpuOurs.toFixed(1)} us / ${cpuTheirs.toFixed(1)} us | ${cpuRatio.toFixed(2)}x |`,
    );
  }
} finally {
  for (const { proc } of Object.values(running)) proc.kill('SIGKILL');
}
