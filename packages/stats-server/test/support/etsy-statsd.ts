// The real Etsy statsd daemon (npm `statsd` 0.9) as a test oracle: started as a child process on a
// loopback UDP port with a backend of ours (etsy-statsd-backend.cjs) that reports over IPC. Flushes
// happen only when asked, after every datagram sent has reached the daemon, so each flush window holds
// exactly what the test sent in it. Readiness and flushes are events, never sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const STATSD_MAIN = join(dirname(require.resolve('statsd/package.json')), 'stats.js');
// statsd 0.9 needs util.log, which Node.js 23 removed: the repository's preload restores it.
const STATSD_NODE_COMPAT = join(__dirname, '../../../../test/support/statsd-node-compat.cjs');
const BACKEND = join(__dirname, 'etsy-statsd-backend.cjs');

/** What one Etsy flush held, the daemon's own `statsd.*` metrics left out. */
export interface EtsyFlush {
  /** Per key: the sum of `value / rate`, computed by Etsy as `value * (1 / rate)`. */
  readonly counters: Record<string, number>;
  readonly gauges: Record<string, number>;
  /** Per timer: observations counted, `1 / rate` each (a fraction when sampled). */
  readonly timerCounts: Record<string, number>;
  /** Per timer: the samples received (unweighted), their smallest and largest. */
  readonly timers: Record<string, { readonly samples: number; readonly lower: number; readonly upper: number }>;
  /** Per set: its distinct members. */
  readonly sets: Record<string, string[]>;
}

export interface EtsyStatsd {
  /** The daemon's UDP port. */
  readonly udpPort: number;
  /** Sends datagrams to the daemon (each one packet), resolving once they are written. */
  send(...datagrams: readonly (string | Buffer)[]): Promise<void>;
  /** Ends the window: waits until every datagram sent so far reached the daemon, flushes, returns what it held. */
  flush(timeoutMs?: number): Promise<EtsyFlush>;
  stop(): Promise<void>;
}

type BackendMessage =
  { type: 'ready'; port: number } | { type: 'flush'; packets: number; metrics: EtsyFlush } | { type: 'error'; message: string };

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface EtsyStatsdOptions {
  /** Extra daemon settings (e.g. `deleteGauges: false`); the harness sets servers, backends and the flush. */
  readonly config?: Record<string, unknown>;
  readonly startTimeoutMs?: number;
}

/** Starts the daemon and resolves once its UDP socket is bound. */
export async function startEtsyStatsd(options: EtsyStatsdOptions = {}): Promise<EtsyStatsd> {
  const dir = mkdtempSync(join(tmpdir(), 'etsy-statsd-'));
  const port = await freeUdpPort();
  const config = {
    // Whatever the window held is deleted after its flush: each window stands alone.
    deleteIdleStats: true,
    ...options.config,
    servers: [{ server: './servers/udp', address: '127.0.0.1', port }],
    backends: [BACKEND],
    // The backend takes the flush timer over; a huge interval in case it did not.
    flushInterval: 2_000_000_000,
    automaticConfigReload: false,
    title: false,
  };
  const configPath = join(dir, 'config.js');
  // statsd's config reader evaluates a bare object literal, not a module.
  writeFileSync(configPath, `(${JSON.stringify(config)})`);
  const child: ChildProcess = spawn(process.execPath, ['--require', STATSD_NODE_COMPAT, STATSD_MAIN, configPath], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const messages: BackendMessage[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (m) => {
    messages.push(m as BackendMessage);
    wake?.();
  });
  // The next message of a type, or an error naming what the daemon printed.
  const next = async <T extends BackendMessage['type']>(type: T, timeoutMs: number, what: string) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Etsy statsd: ${what} within ${timeoutMs} ms; output: ${output}`)), timeoutMs);
    });
    const died = exited.then((code) => {
      throw new Error(`Etsy statsd exited (${code}) before ${what}; output: ${output}`);
    });
    try {
      for (;;) {
        const i = messages.findIndex((m) => m.type === type || m.type === 'error');
        if (i >= 0) {
          const [m] = messages.splice(i, 1) as [BackendMessage];
          if (m.type === 'error') throw new Error(`Etsy statsd backend: ${m.message}`);
          return m as Extract<BackendMessage, { type: T }>;
        }
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), timedOut, died]);
      }
    } finally {
      clearTimeout(timer);
      wake = undefined;
    }
  };

  let ready: Extract<BackendMessage, { type: 'ready' }>;
  try {
    ready = await next('ready', options.startTimeoutMs ?? 15_000, 'no ready');
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const socket: Socket = createSocket('udp4');
  let sent = 0;
  return {
    udpPort: ready.port,
    send: async (...datagrams) => {
      for (const datagram of datagrams) {
        await new Promise<void>((resolve, reject) => socket.send(datagram, ready.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
        sent++;
      }
    },
    flush: async (timeoutMs = 10_000) => {
      child.send({ type: 'flush', packets: sent });
      const flushed = await next('flush', timeoutMs, `no flush after ${sent} packets (a datagram lost?)`);
      return flushed.metrics;
    },
    stop: async () => {
      socket.close();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
