// Starts Etsy's statsd daemon (the npm package) on loopback for the delivery bench: UDP and TCP
// servers, no backend, no flush during the run; what it holds is read from its admin port.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const STATSD_BIN = join(dirname(require.resolve('statsd/package.json')), 'bin/statsd');
// statsd 0.9 needs util.log, which Node.js 23 removed: the tests' preload restores it.
const STATSD_NODE_COMPAT = require.resolve('../../../test/support/statsd-node-compat.cjs');

const freePort = (udp) =>
  new Promise((resolve) => {
    if (udp) {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    } else {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    }
  });

export async function startStatsd() {
  const dir = mkdtempSync(join(tmpdir(), 'statsd-bench-'));
  const [udpPort, tcpPort, mgmtPort] = [await freePort(true), await freePort(false), await freePort(false)];
  const config = {
    backends: [],
    servers: [
      { server: './servers/udp', address: '127.0.0.1', port: udpPort },
      { server: './servers/tcp', address: '127.0.0.1', port: tcpPort },
    ],
    mgmt_address: '127.0.0.1',
    mgmt_port: mgmtPort,
    flushInterval: 2_000_000_000,
    automaticConfigReload: false,
    title: false,
  };
  const configPath = join(dir, 'config.js');
  writeFileSync(configPath, `(${JSON.stringify(config)})`);
  const child = spawn(process.execPath, ['--require', STATSD_NODE_COMPAT, STATSD_BIN, configPath], { stdio: 'ignore' });
  const admin = (command) =>
    new Promise((resolve, reject) => {
      const socket = net.connect(mgmtPort, '127.0.0.1');
      let answer = '';
      socket.on('connect', () => socket.write(`${command}\n`));
      socket.on('data', (d) => {
        answer += d.toString();
        if (answer.includes('END\n') || command === 'health' || command.startsWith('del')) {
          socket.end();
          resolve(answer);
        }
      });
      socket.on('error', reject);
    });
  for (const deadline = Date.now() + 10_000; ;) {
    try {
      if ((await admin('health')).includes('up')) break;
    } catch {
      if (Date.now() > deadline) throw new Error('statsd did not start');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pick = (text, prefix, re) => {
    const out = new Map();
    for (const m of text.matchAll(re)) if (m[1].startsWith(prefix)) out.set(m[1], m);
    return out;
  };
  return {
    udpPort,
    tcpPort,
    /** Sum of counters and number of timing samples under `prefix.` */
    async held(prefix) {
      let increments = 0;
      let samples = 0;
      for (const m of pick(await admin('counters'), `${prefix}.`, /'?([A-Za-z0-9_.-]+)'?: (\d+)/g).values()) increments += Number(m[2]);
      for (const m of pick(await admin('timers'), `${prefix}.`, /'?([A-Za-z0-9_.-]+)'?: \[([^\]]*)\]/g).values()) {
        const more = /\.\.\. (\d+) more items?/.exec(m[2]);
        samples +=
          m[2]
            .replace(/\.\.\. \d+ more items?/, '')
            .split(',')
            .filter((v) => v.trim() !== '').length + (more ? Number(more[1]) : 0);
      }
      return { increments, samples };
    },
    /** Lines the daemon has parsed since it started (its own `statsd.metrics_received`) and bad lines among them. */
    async lines() {
      const text = await admin('counters');
      const read = (name) => Number(new RegExp(`'?statsd\\.${name}'?: (\\d+)`).exec(text)?.[1] ?? NaN);
      return { parsed: read('metrics_received'), bad: read('bad_lines_seen') };
    },
    /** Forgets what is held under `prefix.` (keeps the admin answers small between runs). */
    async forget(prefix, names) {
      await admin(`delcounters ${names.map((n) => `${prefix}.${n}`).join(' ')}`);
      await admin(`deltimers ${names.map((n) => `${prefix}.${n}`).join(' ')}`);
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
