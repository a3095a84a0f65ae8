import dgram from 'node:dgram';
import net from 'node:net';
import { openStreamSocket, openUdpSocket } from '../../src/transports/statsd-socket.js';
import { waitFor } from '../helpers.js';

const write = (socket: ReturnType<typeof openUdpSocket>, packet: string) =>
  new Promise<Error | undefined>((resolve) => socket.write(packet, (error) => resolve(error ?? undefined)));

describe('openUdpSocket', () => {
  it('resolves a host name once and sends every packet written before and after, as one datagram each', async () => {
    const receiver = dgram.createSocket('udp4');
    const received: string[] = [];
    receiver.on('message', (m) => received.push(m.toString()));
    await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', () => r()));
    const errors: Error[] = [];
    const socket = openUdpSocket('localhost', receiver.address().port, (e) => errors.push(e));
    try {
      // Written before the lookup completes: queued behind it, in order.
      expect(await Promise.all([write(socket, 'a:1|c'), write(socket, 'b:2|c\nc:3|g')])).toEqual([undefined, undefined]);
      expect(await write(socket, 'd:4|ms')).toBeUndefined();
      await waitFor(() => received.length === 3, 5000, 'three datagrams');
      expect(received).toEqual(['a:1|c', 'b:2|c\nc:3|g', 'd:4|ms']);
      expect(errors).toEqual([]);
    } finally {
      await new Promise<void>((r) => socket.close(r));
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('fails a write after close through the callback, and closes twice without harm', async () => {
    const closed = openUdpSocket('127.0.0.1', 8125, () => undefined);
    await new Promise<void>((r) => closed.close(r));
    expect(((await write(closed, 'a:1|c')) as NodeJS.ErrnoException | undefined)?.code).toBe('ERR_SOCKET_DGRAM_NOT_RUNNING');
    await new Promise<void>((r) => closed.close(r)); // closing twice is harmless
  });
});

describe('openStreamSocket', () => {
  it('ends every packet with a newline, and fails writes once the connection is gone', async () => {
    let data = '';
    const peers = new Set<net.Socket>();
    const server = net.createServer((s) => {
      peers.add(s);
      s.on('data', (d) => (data += d.toString()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const errors: Error[] = [];
    const socket = openStreamSocket(net.connect(port, '127.0.0.1'), (e) => errors.push(e));
    try {
      expect(await write(socket, 'a:1|c\nb:2|c')).toBeUndefined();
      expect(await write(socket, 'c:3|g\n')).toBeUndefined();
      await waitFor(() => data.length >= 'a:1|c\nb:2|c\nc:3|g\n'.length, 5000, 'both writes');
      expect(data).toBe('a:1|c\nb:2|c\nc:3|g\n');
    } finally {
      await new Promise<void>((r) => socket.close(r));
      for (const p of peers) p.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
    const error = await write(socket, 'd:4|c');
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_SOCKET_DESTROYED');
  });
});
