// 10,000 random byte strings at each listener: the server stays up, answers, and counts what it got.
import { createSocket } from 'node:dgram';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { createStatsServer, type StatsServer, type StatsServerAddress } from '../src/index.js';
import { captureLogs, postBatch, sendTcp, sendUdp, sign, waitFor, started } from './helpers.js';

const COUNT = 10_000;
const SECRET = 'robust';
const SEED = 0x5eed;

// mulberry32: a small seeded generator, so a failure can be replayed.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROTO = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const LONG_TAG = 'v'.repeat(5000);
const HUGE_MEMBER = 'm'.repeat(20_000);
const VALID = [
  'a.b:1|c|@0.5|#k:v',
  'g:-3|g',
  't:1|ms:2|ms',
  's:x|s',
  '{"v":1,"metrics":[{"type":"counter","name":"a","value":1}]}',
  // Names and tags that are Object.prototype keys, long tags, huge set members.
  ...PROTO.map((p, i) => `${p}:${i}|${['g', 'c', 'ms', 'h', 's', 'd'][i]}|#${PROTO[(i + 1) % PROTO.length]}:${p}`),
  `long.tag:1|h|#k:${LONG_TAG}`,
  `huge.set:${HUGE_MEMBER}|s`,
  JSON.stringify({
    v: 1,
    metrics: [
      ...PROTO.map((name) => ({ type: 'gauge', name, value: 1, tags: { [name]: name } })),
      { type: 'set', name: 'huge.set', values: [HUGE_MEMBER] },
      { type: 'counter', name: 'long.tag', value: 1, tags: { k: LONG_TAG } },
    ],
  }),
];

/** Half pure random bytes, half valid input with a few bytes replaced. */
function randomStrings(count: number, seed: number): Buffer[] {
  const rnd = prng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const b = Buffer.alloc(Math.floor(rnd() * 120));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
      out.push(b);
    } else {
      const b = Buffer.from(VALID[i % VALID.length]!);
      for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      out.push(b);
    }
  }
  return out;
}

let server: StatsServer;
let address: StatsServerAddress;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs('error');
  server = createStatsServer({
    port: 0,
    secrets: SECRET,
    statsd: { udpPort: 0, tcpPort: 0 },
    maxBodyBytes: 65_536,
    maxMemoryBytes: 8 * 1024 * 1024,
  });
  address = await started(server);
});
afterAll(async () => {
  await server.close();
  logs.restore();
});

async function stillAnswering(tag: string): Promise<void> {
  // The exposition still renders, and what the server holds is within its budget.
  const text = await server.metrics.render();
  expect(text).toContain('sightline_stats_server_series ');
  expect(server.snapshot().server.memoryBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
  const res = await postBatch(address.url, { v: 1, metrics: [{ type: 'counter', name: `alive.${tag}`, value: 1 }] }, { secret: SECRET });
  expect(res.status).toBe(200);
  await sendUdp(address.statsdUdpPort!, `alive.udp.${tag}:1|c`);
  await sendTcp(address.statsdTcpPort!, `alive.tcp.${tag}:1|c\n`);
  await waitFor(() => server.snapshot().counters[`alive.udp.${tag}`] === 1 && server.snapshot().counters[`alive.tcp.${tag}`] === 1);
  expect(server.snapshot().counters[`alive.${tag}`]).toBe(1);
}

describe(`${COUNT} random byte strings (seed ${SEED})`, () => {
  it('over UDP, one datagram each', async () => {
    const socket = createSocket('udp4');
    const strings = randomStrings(COUNT, SEED);
    for (let i = 0; i < strings.length; i += 100) {
      await Promise.all(
        strings
          .slice(i, i + 100)
          .map((s) => new Promise<void>((resolve) => socket.send(s, address.statsdUdpPort, '127.0.0.1', () => resolve()))),
      );
    }
    socket.close();
    await stillAnswering('udp');
  });

  it('over TCP, as lines on 10 connections', async () => {
    const strings = randomStrings(COUNT, SEED + 1);
    await Promise.all(
      Array.from({ length: 10 }, (_, c) =>
        sendTcp(address.statsdTcpPort!, ...strings.slice(c * 1000, (c + 1) * 1000).map((s) => Buffer.concat([s, Buffer.from('\n')]))),
      ),
    );
    await stillAnswering('tcp');
    expect(server.snapshot().server.statsdBadLines).toBeGreaterThan(0);
  });

  // 409: two identical bodies signed in the same millisecond are one batch to the server.
  it('over HTTP, as signed batch bodies: every one answered 200, 400 or 409', async () => {
    const strings = randomStrings(COUNT, SEED + 2);
    const before = server.snapshot().server;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = new Map<number, number>();
    const post = (body: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const timestamp = String(Date.now());
        const req = request(
          `${address.url}/v1/batch`,
          {
            method: 'POST',
            agent,
            headers: {
              'content-length': body.length,
              'x-sightline-timestamp': timestamp,
              'x-sightline-signature': sign(SECRET, timestamp, body),
            },
          },
          (res) => {
            statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    for (let i = 0; i < strings.length; i += 50) await Promise.all(strings.slice(i, i + 50).map(post));
    agent.destroy();
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 400 && s !== 409)).toEqual([]);
    expect((statuses.get(200) ?? 0) + (statuses.get(400) ?? 0) + (statuses.get(409) ?? 0)).toBe(COUNT);
    const { batchesAccepted, batchesBadRequest, batchesReplayed } = server.snapshot().server;
    expect(
      batchesAccepted + batchesBadRequest + batchesReplayed - before.batchesAccepted - before.batchesBadRequest - before.batchesReplayed,
    ).toBe(COUNT);
    await stillAnswering('http');
  });

  it('over HTTP, as raw bytes on the socket', async () => {
    const strings = randomStrings(COUNT, SEED + 3);
    const send = (chunks: Buffer[]) =>
      new Promise<void>((resolve) => {
        const socket = connect(address.port, '127.0.0.1', () => {
          for (const c of chunks) socket.write(c);
          socket.end();
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    for (let i = 0; i < strings.length; i += 500) {
      await Promise.all(Array.from({ length: 10 }, (_, c) => send(strings.slice(i + c * 50, i + (c + 1) * 50))));
    }
    await stillAnswering('raw');
  });
});
