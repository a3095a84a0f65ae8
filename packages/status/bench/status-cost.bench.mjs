// What the status page costs the service: the same app (prometheus + health + steady traffic) with
// the page off, then on with 10 browsers streaming it (Server-Sent Events clients that read every
// byte), run alternately; CPU time of the service process over the same window, as % of one core.
// The clients run in this process, so their work is not counted.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENTS = 10;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 5000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 30000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function run(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'status-app.mjs'), mode, String(WARMUP_MS), String(MEASURE_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const clients = [];
    let bytes = 0;
    let events = 0;
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (line.url && mode === 'on') {
          for (let i = 0; i < CLIENTS; i++) {
            const req = get(`${line.url}/status/events`, (res) => {
              if (res.statusCode !== 200) reject(new Error(`/status/events answered ${res.statusCode}`));
              res.on('data', (c) => {
                bytes += c.length;
                events += c.toString().split('\nevent: tick').length - 1;
              });
              res.on('error', () => undefined);
            });
            req.on('error', () => undefined);
            clients.push(req);
          }
        }
        if (line.cpuMs !== undefined) {
          for (const c of clients) c.destroy();
          resolve({ ...line, bytes, events });
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`status-app ${mode} exited with ${code}`));
    });
  });
}

const pct = (r) => (r.cpuMs / r.elapsedMs) * 100;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = [];
const on = [];
let last;
for (let round = 0; round < ROUNDS; round++) {
  off.push(pct(await run('off')));
  last = await run('on');
  on.push(pct(last));
}
const offPct = median(off);
const onPct = median(on);
const cost = onPct - offPct;
console.log(
  `status page cost, ${CLIENTS} browsers streaming at 1 Hz, ${MEASURE_MS / 1000} s windows, ${ROUNDS} rounds (median), node ${process.version}:`,
);
console.log(`  plugin off: ${offPct.toFixed(2)}% of one core   (rounds: ${off.map((x) => x.toFixed(2)).join(', ')})`);
console.log(`  plugin on : ${onPct.toFixed(2)}% of one core   (rounds: ${on.map((x) => x.toFixed(2)).join(', ')})`);
console.log(
  `  cost      : ${cost.toFixed(2)}% of one core (target < 1%: ${cost < 1 ? 'met' : 'MISSED'}); ratio on/off ${(onPct / offPct).toFixed(2)}x`,
);
console.log(
  `  streamed  : ${(last.bytes / CLIENTS / (MEASURE_MS / 1000 + WARMUP_MS / 1000) / 1024).toFixed(1)} kB/s per browser; series ${last.stats.series}, ring buffers ${(last.stats.bufferBytes / 1024).toFixed(0)} kB, slow clients dropped ${last.stats.slowClientsDisconnected}`,
);
