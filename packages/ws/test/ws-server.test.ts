// Option validation: a server that refuses its options never listens.
import { createServer } from 'node:http';
import { createWsServer, WsConfigError } from '../src/index.js';
import { rawClient } from './helpers.js';

describe('createWsServer options', () => {
  it.each([
    [{ handlers: {} }, 'createWsServer needs exactly one of `port` (a number) or `server` (an http.Server)'],
    [
      { port: 0, server: createServer(), handlers: {} },
      'createWsServer needs exactly one of `port` (a number) or `server` (an http.Server)',
    ],
    [{ port: 70000, handlers: {} }, 'invalid option `port` in createWsServer(): expected an integer from 0 to 65535, got 70000'],
    [{ port: -1, handlers: {} }, 'invalid option `port` in createWsServer(): expected an integer from 0 to 65535, got -1'],
    [{ port: 0, handlers: null }, 'invalid option `handlers` in createWsServer(): expected an object of function values, got null'],
    [{ port: 0, handlers: { add: 1 } }, 'invalid option `handlers.add` in createWsServer(): expected a function, got 1'],
    [{ port: 0, handlers: {}, path: 'rpc' }, 'invalid option `path` in createWsServer(): expected a string starting with "/" (got "rpc")'],
    [
      { port: 0, handlers: {}, maxConnections: 0 },
      'invalid option `maxConnections` in createWsServer(): expected an integer >= 1 or Infinity, got 0',
    ],
    [
      { port: 0, handlers: {}, maxPayloadBytes: 0 },
      'invalid option `maxPayloadBytes` in createWsServer(): expected an integer >= 1, got 0',
    ],
    [{ port: 0, handlers: {}, onConnection: 'x' }, 'invalid option `onConnection` in createWsServer(): expected a function, got "x"'],
    [{ port: 0, handlers: {}, maxConection: 3 }, 'unknown option `maxConection` in createWsServer(): did you mean `maxConnections`?'],
  ])('refuses %p', async (options, message) => {
    await expect(createWsServer(options as never)).rejects.toThrow(new WsConfigError(message));
  });
});

describe('createWsServer binding', () => {
  it('binds 127.0.0.1 unless told otherwise, like every Sightline server', async () => {
    const server = await createWsServer({ port: 0, handlers: {} });
    try {
      expect(server.address().host).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
    const all = await createWsServer({ port: 0, host: '0.0.0.0', handlers: {} });
    try {
      expect(all.address().host).toBe('0.0.0.0');
    } finally {
      await all.close();
    }
  });

  it('closes once, however often close() is called, and at the end of an `await using` scope', async () => {
    let url: string;
    {
      await using server = await createWsServer({ port: 0, handlers: {} });
      url = `ws://127.0.0.1:${server.port}`;
      const client = await rawClient(url);
      await client.close();
      expect(server.close()).toBe(server.close());
    }
    await expect(rawClient(url)).rejects.toThrow(/ECONNREFUSED/);

    const held = await createWsServer({ port: 0, handlers: {} });
    const heldUrl = `ws://127.0.0.1:${held.port}`;
    {
      await using _server = held;
    }
    await expect(rawClient(heldUrl)).rejects.toThrow(/ECONNREFUSED/);
  });
});
