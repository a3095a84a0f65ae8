// Option validation: a server that refuses its options never listens.
import { createServer } from 'node:http';
import { createWsServer, WsConfigError } from '../src/index.js';

describe('createWsServer options', () => {
  it.each([
    [{ handlers: {} }, 'createWsServer needs exactly one of `port` (a number) or `server` (an http.Server)'],
    [{ port: 0, server: createServer(), handlers: {} }, 'createWsServer needs exactly one of `port` (a number) or `server` (an http.Server)'],
    [{ port: 70000, handlers: {} }, 'Invalid port 70000: expected an integer from 0 to 65535'],
    [{ port: -1, handlers: {} }, 'Invalid port -1: expected an integer >= 0'],
    [{ port: 0, handlers: null }, 'Invalid handlers null: expected an object mapping op names to functions'],
    [{ port: 0, handlers: { add: 1 } }, 'Invalid handler for op "add": expected a function, got 1'],
    [{ port: 0, handlers: {}, path: 'rpc' }, 'Invalid path "rpc": expected a string starting with "/"'],
    [{ port: 0, handlers: {}, maxConnections: 0 }, 'Invalid maxConnections 0: expected an integer >= 1 or Infinity'],
    [{ port: 0, handlers: {}, maxPayloadBytes: 0 }, 'Invalid maxPayloadBytes 0: expected an integer >= 1'],
    [{ port: 0, handlers: {}, onConnection: 'x' }, 'Invalid onConnection "x": expected a function'],
  ])('refuses %p', async (options, message) => {
    await expect(createWsServer(options as never)).rejects.toThrow(new WsConfigError(message));
  });
});
