import dgram from 'node:dgram';
import { setLogSink, type LogRecord } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';

/** Captures every record the loggers emit at `warn` and above (or `level`). */
export function captureLogs(level: 'debug' | 'info' | 'warn' = 'warn') {
  const records: LogRecord[] = [];
  resetLogging({ SIGHTLINE_LOG: level });
  setLogSink((record) => records.push(record));
  return {
    records,
    lines: () => records.map((r) => `${r.level} ${r.logger}: ${r.message}`),
    restore: () => resetLogging({}),
  };
}

/** Resolves after `predicate` holds, polling on timers; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A UDP socket on a free loopback port that keeps every datagram it receives, as text. */
export async function udpListener(): Promise<{ port: number; packets: string[]; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const packets: string[] = [];
  socket.on('message', (m) => packets.push(m.toString()));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, packets, close: () => new Promise((r) => socket.close(() => r())) };
}
