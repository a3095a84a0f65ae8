// Starts Etsy's statsd daemon (the npm package) on loopback with UDP, TCP and Unix-socket servers,
// a huge flush interval (nothing is flushed during a test), and reads what it holds through its
// admin port (`counters`, `gauges`, `timers`).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitFor } from '../helpers.js';

const STATSD_BIN = join(dirname(require.resolve('statsd/package.json')), 'bin/statsd');
// statsd 0.9 needs util.log, which Node.js 23 removed: the repository's preload restores it.
const STATSD_NODE_COMPAT = join(__dirname, '../../../../test/support/statsd-node-compat.cjs');

async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

export interface StatsdDaemon {
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly socketPath: string;
  /** Sends an admin command and returns its answer up to `END`. */
  admin(command: string): Promise<string>;
  counters(): Promise<Record<string, number>>;
  gauges(): Promise<Record<string, number>>;
  /** Samples held per timer (statsd lists at most 100 per timer; the count includes the rest). */
  timers(): Promise<Record<string, { count: number; values: number[] }>>;
  stop(): Promise<void>;
}

function parseNumbers(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/'?([A-Za-z0-9_.;=-]+)'?: (-?[0-9.e+-]+)/g)) out[m[1]!] = Number(m[2]);
  return out;
}

export async function startStatsd(): Promise<StatsdDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'statsd-'));
  const [udpPort, tcpPort, mgmtPort] = [await freeUdpPort(), await freeTcpPort(), await freeTcpPort()];
  const socketPath = join(dir, 'statsd.sock');
  const config = {
    backends: [],
    servers: [
      { server: './servers/udp', address: '127.0.0.1', port: udpPort },
      { server: './servers/tcp', address: '127.0.0.1', port: tcpPort },
      { server: './servers/tcp', socket: socketPath },
    ],
    mgmt_address: '127.0.0.1',
    mgmt_port: mgmtPort,
    flushInterval: 2_000_000_000,
    deleteCounters: true,
    deleteGauges: true,
    deleteTimers: true,
    deleteSets: true,
    automaticConfigReload: false,
    title: false,
  };
  const configPath = join(dir, 'config.js');
  // statsd's bin reads a JS object literal, not a module: written bare.
  writeFileSync(configPath, `(${JSON.stringify(config)})`);
  const child: ChildProcess = spawn(process.execPath, ['--require', STATSD_NODE_COMPAT, STATSD_BIN, configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

  const admin = (command: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(mgmtPort, '127.0.0.1');
      let answer = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`statsd admin ${command}: no answer; output: ${output}`));
      }, 5000);
      socket.on('connect', () => socket.write(`${command}\n`));
      socket.on('data', (d) => {
        answer += d.toString();
        if (answer.includes('END\n') || command === 'health') {
          clearTimeout(timer);
          socket.end();
          resolve(answer);
        }
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });

  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await admin('health')).includes('health: up')) break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`statsd did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The admin port opens with the others; the Unix socket may come a moment later.
  await waitFor(() => existsSync(socketPath), 10_000, `statsd's Unix socket ${socketPath}`);

  return {
    udpPort,
    tcpPort,
    socketPath,
    admin,
    counters: async () => parseNumbers(await admin('counters')),
    gauges: async () => parseNumbers(await admin('gauges')),
    timers: async () => {
      const text = await admin('timers');
      const out: Record<string, { count: number; values: number[] }> = {};
      for (const m of text.matchAll(/'?([A-Za-z0-9_.;=-]+)'?: \[([^\]]*)\]/g)) {
        const body = m[2]!;
        const more = /\.\.\. (\d+) more items?/.exec(body);
        const values = body
          .replace(/\.\.\. \d+ more items?/, '')
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
          .map(Number);
        out[m[1]!] = { count: values.length + (more ? Number(more[1]) : 0), values };
      }
      return out;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
