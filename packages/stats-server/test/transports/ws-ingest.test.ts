import { createStatsServer, type StatsServer } from '../../src/index.js';
import { captureLogs, WsTestClient, started } from '../helpers.js';

const SECRET = 'ws-secret';
let server: StatsServer;
let client: WsTestClient;
let logs: ReturnType<typeof captureLogs>;

beforeEach(async () => {
  logs = captureLogs('error');
  server = createStatsServer({ port: 0, secrets: [SECRET], maxBodyBytes: 4096 });
  client = await WsTestClient.open((await started(server)).wsUrl);
});
afterEach(async () => {
  await client.close();
  await server.close();
  logs.restore();
});

const body = (...metrics: unknown[]) => JSON.stringify({ v: 1, metrics });

describe('WebSocket ingest', () => {
  it('acks each frame with its id and applies exact totals', async () => {
    for (let i = 0; i < 10; i++) {
      const ack = await client.send(
        body(
          { type: 'counter', name: 'ws.count', value: 7 },
          { type: 'gauge', name: 'ws.gauge', value: i },
          { type: 'timer', name: 'ws.timer', values: [10, 20] },
        ),
        SECRET,
      );
      expect(ack).toEqual({ id: i + 1, status: 200, accepted: 3, rejected: 0 });
    }
    const snap = server.snapshot();
    expect(snap.counters).toEqual({ 'ws.count': 70 });
    expect(snap.gauges).toEqual({ 'ws.gauge': 9 });
    expect(snap.timers).toEqual({ 'ws.timer': { count: 20, sum: 300, min: 10, max: 20 } });
    expect(snap.server.batchesAccepted).toBe(10);
  });

  it('acks 401 for a missing, wrong or stale signature and keeps the connection', async () => {
    const b = body({ type: 'counter', name: 'c', value: 1 });
    expect(await client.send(b, undefined)).toEqual({ id: 1, status: 401, accepted: 0, rejected: 0, error: 'unauthorized' });
    expect(await client.send(b, 'wrong')).toEqual({ id: 2, status: 401, accepted: 0, rejected: 0, error: 'unauthorized' });
    const stale = String(Date.now() - 600_000);
    const ack = await client.send(b, SECRET, { timestamp: stale });
    expect(ack).toMatchObject({ id: 3, status: 401 });
    expect(await client.send(b, SECRET)).toEqual({ id: 4, status: 200, accepted: 1, rejected: 0 });
    expect(server.snapshot().server.batchesUnauthorized).toBe(3);
  });

  it('acks 400 naming what was wrong with the frame or the batch', async () => {
    expect(await client.sendRaw('not json', null)).toMatchObject({
      id: null,
      status: 400,
      error: expect.stringMatching(/^invalid frame JSON: /) as string,
    });
    expect(await client.sendRaw('[1]', null)).toMatchObject({
      id: null,
      status: 400,
      error: 'frame must be a JSON object {id, timestamp, signature, body}, got [1]',
    });
    expect(await client.sendRaw('{"id":"7","body":"{}"}', null)).toMatchObject({
      status: 400,
      error: 'frame "id" must be an integer, got "7"',
    });
    expect(await client.sendRaw('{"id":8,"body":{}}', 8)).toMatchObject({
      id: 8,
      status: 400,
      error: 'frame "body" must be the batch JSON as a string, got an object',
    });
    expect(await client.send('{"v":1,"metrics":7}', SECRET)).toMatchObject({ status: 400, error: '"metrics" must be an array, got 7' });
  });

  it('keeps the valid metrics of a partly invalid batch', async () => {
    const ack = await client.send(body({ type: 'counter', name: 'ok', value: 2 }, { type: 'timer', name: 't', values: [1, 'x'] }), SECRET);
    expect(ack).toEqual({
      id: 1,
      status: 200,
      accepted: 1,
      rejected: 1,
      errors: [{ index: 1, message: 'timer "t": values[1] must be a finite number, got "x"' }],
    });
    expect(server.snapshot().counters).toEqual({ ok: 2 });
  });

  it('closes the socket with 1009 for a frame over maxBodyBytes, and counts it', async () => {
    client.ws.send('x'.repeat(5000));
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    expect(server.snapshot().server.batchesTooLarge).toBe(1);
  });

  it('refuses an upgrade on another path', async () => {
    const address = server.address();
    await expect(WsTestClient.open(`ws://127.0.0.1:${address.port}/v2/ws`)).rejects.toThrow('Unexpected server response: 404');
  });
});
