// What the HTTP benches share: each mode's server in a child process of its own, asked for its CPU
// time over IPC around a run, and loaded by autocannon with keep-alive connections.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';

/** Sends `message` to a child server and resolves with the `key` of its first reply carrying it. */
export function ask(child, message, key) {
  return new Promise((resolve) => {
    const on = (reply) => {
      if (reply && key in reply) {
        child.off('message', on);
        resolve(reply[key]);
      }
    };
    child.on('message', on);
    child.send(message);
  });
}

/** Starts `server` (a script that reports `{ port }` once listening) in `mode`. */
export async function start(server, mode) {
  const child = fork(server, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return { mode, child, url: `http://127.0.0.1:${port}/orders/42?expand=items` };
}

/** `seconds` of keep-alive load on `url`. */
export function load(url, seconds, connections) {
  return autocannon({ url, connections, duration: seconds, headers: { 'user-agent': 'bench' } });
}
