// Shutdown with a half-open request (headers never finished) and an idle keep-alive connection:
// both are closed at once, while a request in flight still completes.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { get, quietLogs, startServer } from './helpers.js';

quietLogs();

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => undefined);
  return socket;
}

describe('shutdown with half-open and idle connections', () => {
  it('closes a connection whose request headers never finished at once; an in-flight request completes; close() finishes in time', async () => {
    let finishRender!: () => void;
    let renderCalled!: () => void;
    const rendering = new Promise<void>((resolve) => (renderCalled = resolve));
    const server = await startServer({
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 4000,
      metricsRateLimit: false,
      metrics: {
        contentType: 'text/plain',
        render: () => {
          renderCalled();
          return new Promise<string>((resolve) => (finishRender = () => resolve('m 1\n')));
        },
      },
    });
    const halfOpen = await openSocket(server.port);
    halfOpen.write('GET /health/live HTTP/1.1\r\nHost: x\r\n'); // no blank line: the headers never end
    const idle = await openSocket(server.port);
    idle.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(idle, 'data');
    const inflight = get(server.url, '/metrics');
    await rendering;

    const halfOpenClosed = new Promise((resolve) => halfOpen.once('close', resolve));
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));
    const closed = server.close();
    await Promise.all([halfOpenClosed, idleClosed]);
    finishRender();
    expect(await inflight).toMatchObject({ status: 200, body: 'm 1\n' });
    // Finished inside shutdownTimeoutMs without cutting connections.
    await closed;
    expect(server.forcedClose).toBe(false);
  });
});
