// What the udp, tcp and uds transports share: a batch becomes StatsD lines (timer samples packed
// several per line), the lines become packets, paced in bursts onto a socket of Node's own (see
// statsd-socket.ts). Each file only says which socket to open.
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { settleWithin } from '@sightline/core/internal';
import type { Batch } from '../batch.js';
import { StatsTransportError } from '../errors.js';
import type { Flavour } from '../options.js';
import { encodeStatsdLines, packLines } from '../statsd-encoder.js';
import type { StatsdSocket } from './statsd-socket.js';
import { defaultReceiveBuffer } from './udp-backlog.js';
import type { SendResult, Transport } from './transport.js';

export interface StatsdTransportOptions {
  readonly flavour: Flavour;
  /** Largest packet (a UDP datagram; a write on stream sockets). */
  readonly maxPacketBytes?: number;
  /**
   * Bytes sent per burst before waiting for the socket callbacks and pausing, so a burst of
   * thousands of datagrams does not overrun the receiver's socket buffer.
   */
  readonly burstBytes?: number;
  /**
   * Pause between bursts, in ms. 0 yields one event-loop turn (enough for stream sockets, which
   * push back); UDP defaults to 1 ms so a receiver in another process gets time to read.
   */
  readonly burstIntervalMs?: number;
  /**
   * A burst of writes not taken by the socket within this fails the attempt (and resets the socket),
   * so a peer that accepts and never reads cannot hold `flush()` or `close()` forever.
   */
  readonly writeTimeoutMs: number;
  /** Every sample on its own line (see `encodeStatsdLines`). Default false. */
  readonly oneValuePerLine?: boolean;
}

export abstract class StatsdTransport implements Transport {
  abstract readonly protocol: string;
  abstract readonly target: string;
  private client: StatsdSocket | undefined;
  /** Packets of a batch already handed to the socket: a retry resumes after them. */
  private readonly progress = new WeakMap<Batch, { packets: string[]; sent: number }>();
  protected readonly flavour: Flavour;
  private readonly oneValuePerLine: boolean;
  protected readonly maxPacketBytes: number;
  private readonly burstBytes: number;

  private readonly burstIntervalMs: number;
  private readonly writeTimeoutMs: number;
  /** After close(), a send (a retry still running) fails instead of opening a socket again. */
  private closed = false;
  private readonly receiveBuffer = defaultReceiveBuffer();

  protected constructor(
    options: StatsdTransportOptions,
    defaults: { maxPacketBytes: number; burstBytes: number; burstIntervalMs: number },
  ) {
    this.flavour = options.flavour;
    this.oneValuePerLine = options.oneValuePerLine === true;
    this.maxPacketBytes = options.maxPacketBytes ?? defaults.maxPacketBytes;
    this.burstBytes = options.burstBytes ?? defaults.burstBytes;
    this.burstIntervalMs = options.burstIntervalMs ?? defaults.burstIntervalMs;
    this.writeTimeoutMs = options.writeTimeoutMs;
  }

  /** Sends ready-made StatsD lines (DogStatsD events and service checks), packed like a batch's. */
  sendLines(lines: readonly string[]): Promise<SendResult> {
    const batch: Batch = { seq: 0, metrics: [], size: lines.length };
    this.progress.set(batch, { packets: packLines(lines, this.maxPacketBytes), sent: 0 });
    return this.send(batch);
  }

  /** Opens this transport's socket; `onError` gets socket-level errors. */
  protected abstract open(onError: (error: Error) => void): StatsdSocket;

  async send(batch: Batch): Promise<SendResult> {
    let state = this.progress.get(batch);
    if (state === undefined) {
      const lines = encodeStatsdLines(batch.metrics, this.flavour, this.maxPacketBytes, [], this.oneValuePerLine);
      state = { packets: packLines(lines, this.maxPacketBytes), sent: 0 };
      this.progress.set(batch, state);
    }
    if (this.closed) return this.failure(Object.assign(new Error('the transport is closed'), { code: 'ERR_TRANSPORT_CLOSED' }));
    let client: StatsdSocket;
    try {
      if (this.client === undefined) {
        const opened: StatsdSocket = this.open(() => {
          if (this.client === opened) this.reset();
        });
        this.client = opened;
      }
      client = this.client;
    } catch (error) {
      return this.failure(error);
    }
    while (state.sent < state.packets.length) {
      let budget = this.burstBytes;
      const backlog = client.backlog?.();
      if (backlog !== undefined) {
        // The receiver's unread bytes are visible (loopback): fill its buffer up to a margin, then
        // wait for it to read. The kernel charges a datagram up to twice its payload up to 8 KiB,
        // about 1.05x from 16 KiB.
        const charge = this.maxPacketBytes > 8192 ? 1.2 : 2;
        budget = Math.floor((this.receiveBuffer * 0.7 - backlog.queued) / charge);
        if (budget < this.maxPacketBytes) {
          await delay(1);
          continue;
        }
      }
      let end = state.sent;
      for (let bytes = 0; end < state.packets.length && (end === state.sent || bytes + state.packets[end]!.length <= budget); end++) {
        bytes += state.packets[end]!.length;
      }
      const results = await this.writeBurst(client, state.packets.slice(state.sent, end));
      const firstFailed = results.findIndex((e) => e !== undefined);
      if (firstFailed !== -1) {
        state.sent += firstFailed;
        this.reset();
        return this.failure(results[firstFailed]);
      }
      state.sent = end;
      // Socket callbacks come on next ticks, before the event loop polls again: yield a full turn
      // so a receiver (and everything else in this process) gets to run between bursts.
      if (end < state.packets.length && backlog === undefined) await (this.burstIntervalMs > 0 ? delay(this.burstIntervalMs) : nextTurn());
    }
    this.progress.delete(batch);
    return { ok: true };
  }

  /** Writes packets; one result per packet, a timeout error for those not taken in time. */
  private async writeBurst(client: StatsdSocket, packets: readonly string[]): Promise<(Error | undefined)[]> {
    const results: (Error | undefined | null)[] = packets.map(() => null);
    let left = packets.length;
    const written = new Promise<void>((resolve) => {
      packets.forEach((packet, i) =>
        client.write(packet, (error) => {
          if (results[i] !== null) return;
          results[i] = error ?? undefined;
          if (--left === 0) resolve();
        }),
      );
    });
    await settleWithin(written, this.writeTimeoutMs, { unref: true });
    const timedOut = Object.assign(new Error(`the socket took no data for ${this.writeTimeoutMs} ms (is the peer reading?)`), {
      code: 'ETIMEDOUT',
    });
    return results.map((r) => (r === null ? timedOut : r));
  }

  private failure(error: unknown): SendResult {
    const e = error as NodeJS.ErrnoException;
    return {
      ok: false,
      error: new StatsTransportError('network', `${this.target}: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(error)}`, {
        cause: error,
      }),
    };
  }

  /** Drops the current socket; the next send opens a new one. */
  private reset(): void {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        client.close(() => undefined);
      } catch {
        // Already closed.
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      try {
        client.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
