// A server's listen() as a promise: resolves with the bound address, rejects with the bind error
// (port in use, permission), and leaves no listener of its own behind either way.
import type { AddressInfo, Server } from 'node:net';

/** Starts `server` listening on `host:port` (port 0: the OS picks one) and resolves with its address. */
export function listen(server: Server, port: number | undefined, host: string | undefined): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
