// A real Prometheus Pushgateway (Debian `prometheus-pushgateway`) for end-to-end tests: on loopback,
// in memory (Debian's default persistence file is turned off), killed by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { findBinary, freePort, until } from './prometheus-server.js';

export interface PushgatewayServer {
  readonly url: string;
  /** The gateway's own /metrics, what Prometheus would scrape from it. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPushgateway(): Promise<PushgatewayServer> {
  const bin = findBinary('prometheus-pushgateway', 'prometheus-pushgateway');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await until('the Pushgateway to be ready', 20_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus-pushgateway exited with ${child.exitCode}: ${log}`);
      try {
        return (await fetch(`${url}/-/ready`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, metrics: async () => (await fetch(`${url}/metrics`)).text(), stop };
}
