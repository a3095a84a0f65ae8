// GET /metrics on the server's own listener is written as it renders, in chunks: the same bytes as
// the whole-body render, without the server ever holding the whole body.
import { connect } from 'node:net';
import { createStatsServer, type StatsServer } from '../../src/index.js';
import { captureLogs, httpRequest, started } from '../helpers.js';

let server: StatsServer;
let url: string;
let port: number;
let logs: ReturnType<typeof captureLogs>;

beforeEach(async () => {
  logs = captureLogs('warn');
  server = createStatsServer({ port: 0, secrets: ['s'] });
  const address = await started(server);
  url = address.url;
  port = address.port;
});
afterEach(async () => {
  await server.close();
  logs.restore();
});

/** Counters and histograms with long tag values: an exposition of several hundred KB. */
function fill(series: number): void {
  const lines: string[] = [];
  for (let i = 0; i < series; i++) {
    lines.push(`big.count:${i}|c|#id:${i}${'x'.repeat(200)}`);
    if (i % 10 === 0) lines.push(`big.size:${i}|h|#id:${i}${'y'.repeat(200)}`);
  }
  server.ingestStatsd(lines.join('\n'));
}

describe('GET /metrics, streamed', () => {
  it('sends a large exposition chunked, byte for byte what the whole render gives, in both formats', async () => {
    fill(3000);
    const accepts = { prometheus: 'text/plain', openmetrics: 'application/openmetrics-text; version=1.0.0' } as const;
    for (const [format, accept] of Object.entries(accepts)) {
      const res = await httpRequest(url, undefined, { path: '/metrics', headers: { accept } });
      const whole = await server.metrics.render(format as 'prometheus' | 'openmetrics');
      expect(res.status).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers['content-type']).toContain(format === 'openmetrics' ? 'application/openmetrics-text' : 'text/plain');
      expect(Buffer.byteLength(res.text)).toBeGreaterThan(500_000);
      expect(res.text).toBe(whole);
    }
  });

  it('sends a small exposition with its content-length', async () => {
    server.ingestStatsd('small:1|c');
    const res = await httpRequest(url, undefined, { path: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    expect(res.text).toContain('\nstats_small_total 1\n');
  });

  it('answers HEAD with the length of the body GET sends, and no body', async () => {
    fill(1000);
    const get = await httpRequest(url, undefined, { path: '/metrics' });
    const head = await httpRequest(url, undefined, { path: '/metrics', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
  });

  it('keeps serving after a scraper that went away mid-body', async () => {
    fill(3000);
    const firstBytes = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        resolve(chunk.toString('latin1'));
      });
    });
    expect(firstBytes).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const res = await httpRequest(url, undefined, { path: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.text).toBe(await server.metrics.render());
    expect(logs.records.filter((r) => r.level === 'error')).toEqual([]);
  });
});
