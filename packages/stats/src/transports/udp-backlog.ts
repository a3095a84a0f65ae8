// How much a UDP receiver on this host has not read yet, from the kernel's socket table
// (/proc/net/udp, Linux). On loopback this is the only feedback UDP gives: the client paces to it,
// sending as fast as the receiver reads and never more than its buffer holds.
import { readFileSync } from 'node:fs';

/** Bytes waiting in the receive buffer of the socket bound to `port` (and its drops), or undefined. */
export type BacklogProbe = () => { readonly queued: number; readonly drops: number } | undefined;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** The receive buffer size a socket gets unless it asks for another (Linux default 212,992). */
export function defaultReceiveBuffer(): number {
  try {
    const n = Number(readFileSync('/proc/sys/net/core/rmem_default', 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : 212_992;
  } catch {
    return 212_992;
  }
}

/** A probe for a receiver on this host's loopback (undefined until it is bound), or undefined elsewhere (no way to see its buffer). */
export function loopbackBacklogProbe(host: string, port: number, family: 4 | 6): BacklogProbe | undefined {
  if (process.platform !== 'linux' || !LOOPBACK.test(host)) return undefined;
  const table = family === 6 ? '/proc/net/udp6' : '/proc/net/udp';
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const probe: BacklogProbe = () => {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      return undefined;
    }
    // Each line: sl local_address rem_address st tx_queue:rx_queue ... drops; the receiver is the
    // unconnected socket bound to the port (rem_address all zeros).
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 13 || !f[1]!.endsWith(portHex) || !/^0+:0000$/.test(f[2]!)) continue;
      const queues = f[4]!.split(':');
      return { queued: parseInt(queues[1] ?? '0', 16), drops: Number(f[f.length - 1]) };
    }
    return undefined;
  };
  return probe;
}
