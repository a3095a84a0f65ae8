// Liveness by ping/pong: every interval each socket is pinged; a socket that has not answered the
// previous ping by then has missed one heartbeat and is handed to `onMissed` (which terminates it).
// One timer serves every socket, so a server with many connections pays one timer, not one each.
import type WebSocket from 'ws';

import { wsLog as log } from './loggers.js';

export class Heartbeat {
  private readonly answered = new Map<WebSocket, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly onMissed: (socket: WebSocket) => void,
  ) {}

  /** Starts watching an open socket. No-op when the interval is 0 (heartbeat disabled). */
  add(socket: WebSocket): void {
    if (this.intervalMs <= 0) return;
    this.answered.set(socket, true);
    socket.on('pong', () => {
      if (this.answered.has(socket)) this.answered.set(socket, true);
    });
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  delete(socket: WebSocket): void {
    this.answered.delete(socket);
    if (this.answered.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    for (const [socket, answered] of this.answered) {
      if (!answered) {
        this.answered.delete(socket);
        log.warn('heartbeat missed: peer did not answer the last ping; terminating', { intervalMs: this.intervalMs });
        this.onMissed(socket);
        continue;
      }
      this.answered.set(socket, false);
      if (log.isEnabled('trace')) log.trace('heartbeat ping');
      try {
        socket.ping();
      } catch {
        // The socket is closing; its close event cleans up.
      }
    }
    if (this.answered.size === 0) this.stop();
  }
}
