// A scrape written as it renders: the combined source's `renderChunks()` and `serveExposition()` over
// real node:http sockets.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { ChunkWriter, ExpositionFormat, MetricsSource, RenderChunksControl } from '../../src/index.js';
import { combineMetricsSources, renderMetrics, serveExposition, type ServeOutcome } from '../../src/internal.js';

const PROM = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const ACCEPT_OM = 'application/openmetrics-text; version=1.0.0';

interface Family {
  readonly name: string;
  readonly type: string;
  readonly samples: number;
}

function familyText(f: Family, format: ExpositionFormat): string {
  const counter = f.type === 'counter';
  const family = format === 'openmetrics' && counter ? f.name.replace(/_total$/, '') : f.name;
  const sample = format === 'openmetrics' && counter ? `${family}_total` : f.name;
  let out = `# HELP ${family} ${f.name} help\n# TYPE ${family} ${f.type}\n`;
  for (let i = 0; i < f.samples; i++) out += `${sample}{i="${i}"} ${i}\n`;
  return out;
}

/** A source that streams a family per chunk, a turn of the event loop apart, and counts what it wrote. */
function streamingSource(families: readonly Family[], options: { failAfter?: number; neverStarts?: boolean } = {}) {
  const seen = { chunks: 0, aborted: false, finished: false };
  const whole = (format: ExpositionFormat): string =>
    families.map((f) => familyText(f, format)).join('') + (format === 'openmetrics' ? '# EOF\n' : '');
  const source: MetricsSource = {
    contentType: PROM,
    formats: ['prometheus', 'openmetrics'],
    render: (format = 'prometheus') => whole(format),
    negotiate: (accept) =>
      accept?.includes('openmetrics') ? { contentType: OM, body: whole('openmetrics') } : { contentType: PROM, body: whole('prometheus') },
    async renderChunks(format: ExpositionFormat, write: ChunkWriter, control: RenderChunksControl = {}) {
      if (options.neverStarts) {
        await new Promise<void>((resolve) => control.signal?.addEventListener('abort', () => resolve()));
        seen.aborted = true;
        return;
      }
      for (const f of families) {
        await new Promise((resolve) => setImmediate(resolve));
        if (control.signal?.aborted) {
          seen.aborted = true;
          return;
        }
        if (options.failAfter !== undefined && seen.chunks >= options.failAfter) throw new Error('the store went away');
        if (control.skipFamily?.(f.name, f.type)) continue;
        control.onFamily?.(f.name, f.type);
        seen.chunks++;
        await write(Buffer.from(familyText(f, format)), false);
      }
      seen.finished = true;
      await write(Buffer.from(format === 'openmetrics' && control.eof !== false ? '# EOF\n' : ''), true);
    },
  };
  return { source, seen };
}

const wholeSource = (name: string, type = 'gauge'): MetricsSource => ({
  contentType: PROM,
  formats: ['prometheus', 'openmetrics'],
  render: (format = 'prometheus') => familyText({ name, type, samples: 2 }, format) + (format === 'openmetrics' ? '# EOF\n' : ''),
});

async function collectChunks(source: MetricsSource, format: ExpositionFormat, control?: RenderChunksControl) {
  const parts: string[] = [];
  const lasts: boolean[] = [];
  await source.renderChunks!(
    format,
    (chunk, last) => {
      parts.push(chunk.toString('utf8'));
      lasts.push(last);
    },
    control,
  );
  return { body: parts.join(''), lasts };
}

describe('combined sources, streamed', () => {
  const big = streamingSource([
    { name: 'app_requests_total', type: 'counter', samples: 3 },
    { name: 'shared_gauge', type: 'gauge', samples: 1 },
  ]);

  it('streams the same body as it renders whole, in both formats, with one last chunk', async () => {
    const combined = combineMetricsSources(wholeSource('first_gauge'), big.source, wholeSource('last_gauge'));
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const streamed = await collectChunks(combined, format);
      expect(streamed.body).toBe(await combined.render(format));
      expect(streamed.lasts.filter(Boolean)).toHaveLength(1);
      expect(streamed.lasts.at(-1)).toBe(true);
    }
    const om = (await collectChunks(combined, 'openmetrics')).body;
    expect(om.match(/# EOF/g)).toHaveLength(1);
    expect(om.endsWith('# EOF\n')).toBe(true);
  });

  it('gives a name to the first part that uses it, whether that part streams or not', async () => {
    // A whole part first: the streaming part's family of the same name is left out...
    const wholeFirst = combineMetricsSources(wholeSource('shared_gauge'), big.source);
    const a = (await collectChunks(wholeFirst, 'prometheus')).body;
    expect(a.match(/# TYPE shared_gauge/g)).toHaveLength(1);
    expect(a).toContain('shared_gauge{i="1"} 1'); // the whole part's two samples
    expect(a).toBe((await renderMetrics(wholeFirst, 'text/plain')).body);
    // ...and the streaming part first: the whole part's is.
    const streamFirst = combineMetricsSources(big.source, wholeSource('shared_gauge'));
    const b = (await collectChunks(streamFirst, 'prometheus')).body;
    expect(b.match(/# TYPE shared_gauge/g)).toHaveLength(1);
    expect(b).not.toContain('shared_gauge{i="1"}');
    expect(b).toBe((await renderMetrics(streamFirst, 'text/plain')).body);
  });

  it('passes skipFamily and onFamily through to every part', async () => {
    const combined = combineMetricsSources(big.source, wholeSource('other_gauge'));
    const told: string[] = [];
    const out = await collectChunks(combined, 'prometheus', {
      skipFamily: (name) => name === 'shared_gauge',
      onFamily: (name, type) => told.push(`${name}:${type}`),
    });
    expect(told).toEqual(['app_requests_total:counter', 'other_gauge:gauge']);
    expect(out.body).not.toContain('shared_gauge');
    expect(out.body).toContain('other_gauge{i="1"} 1');
  });
});

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

describe('serveExposition()', () => {
  let server: Server;
  let port: number;
  let current: MetricsSource;
  let outcomes: ServeOutcome[];
  let nextOutcome: Promise<ServeOutcome>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      nextOutcome = serveExposition(current, req, res, { timeoutMs: 200, headers: { 'cache-control': 'no-store' } }).then((outcome) => {
        outcomes.push(outcome);
        if (outcome.kind === 'timeout') {
          res.writeHead(503);
          res.end('timed out');
        } else if (outcome.kind === 'failed' && !outcome.replied) {
          res.writeHead(500);
          res.end('failed');
        }
        return outcome;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    outcomes = [];
  });

  const fetchRaw = (headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/metrics', method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  // ~200 KB in 40 chunks.
  const large = (): ReturnType<typeof streamingSource> =>
    streamingSource(Array.from({ length: 40 }, (_, i) => ({ name: `family_${i}`, type: 'gauge', samples: 200 })));

  it('writes a large body as it renders, chunked, gzip-encoded when the scraper accepts it', async () => {
    const { source } = large();
    current = source;
    const expected = String(await source.render('prometheus'));
    const plain = await fetchRaw();
    expect(plain.status).toBe(200);
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    expect(plain.headers['content-length']).toBeUndefined();
    expect(plain.headers['content-type']).toBe(PROM);
    expect(plain.headers['cache-control']).toBe('no-store');
    expect(plain.body.toString('utf8')).toBe(expected);

    const zipped = await fetchRaw({ 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.body.length).toBeLessThan(expected.length / 4);
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(expected);

    const om = await fetchRaw({ accept: ACCEPT_OM, 'accept-encoding': 'gzip' });
    expect(om.headers['content-type']).toBe(OM);
    expect(gunzipSync(om.body).toString('utf8')).toBe(await source.render('openmetrics'));
    expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'sent', 'sent']);
  });

  it('sends a body that fits one chunk with its length, and HEAD with the length GET sends', async () => {
    const { source } = streamingSource([]);
    current = combineMetricsSources(source, wholeSource('small_gauge'));
    const get = await fetchRaw();
    expect(get.body.toString('utf8')).toContain('small_gauge{i="1"} 1');

    const { source: one } = streamingSource([]);
    current = {
      ...one,
      renderChunks: (format, write) =>
        Promise.resolve(write(Buffer.from(familyText({ name: 'g', type: 'gauge', samples: 100 }, format)), true)),
    };
    const whole = await fetchRaw({ 'accept-encoding': 'gzip' });
    expect(whole.headers['content-encoding']).toBe('gzip');
    expect(Number(whole.headers['content-length'])).toBe(whole.body.length);
    const head = await fetchRaw({}, 'HEAD');
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(
      Buffer.byteLength(familyText({ name: 'g', type: 'gauge', samples: 100 }, 'prometheus')),
    );
  });

  it('stops rendering for a scraper that went away mid-body, and serves the next one', async () => {
    const { source, seen } = large();
    current = source;
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
        // The first bytes are in: hang up.
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
      req.end();
    });
    const outcome = await nextOutcome;
    expect(outcome.kind).toBe('gone');
    expect(seen.aborted).toBe(true);
    expect(seen.finished).toBe(false);
    expect(seen.chunks).toBeLessThan(40);

    const again = await fetchRaw();
    expect(again.body.toString('utf8')).toBe(await source.render('prometheus'));
  });

  it('gives up on a render that does not start within timeoutMs, and lets the caller answer', async () => {
    const { source, seen } = streamingSource([], { neverStarts: true });
    current = source;
    const reply = await fetchRaw();
    expect([reply.status, reply.body.toString('utf8')]).toEqual([503, 'timed out']);
    expect(outcomes).toEqual([{ kind: 'timeout' }]);
    expect(seen.aborted).toBe(true);
  });

  it('answers a failure before the body started in the caller style, and cuts a body already started', async () => {
    current = streamingSource([{ name: 'a', type: 'gauge', samples: 1 }], { failAfter: 0 }).source;
    const early = await fetchRaw();
    expect([early.status, early.body.toString('utf8')]).toEqual([500, 'failed']);
    expect(outcomes[0]).toMatchObject({ kind: 'failed', replied: false });

    current = streamingSource(
      Array.from({ length: 10 }, (_, i) => ({ name: `f_${i}`, type: 'gauge', samples: 500 })),
      { failAfter: 3 },
    ).source;
    // A scraper reading a cut body sees the connection end before the chunked body did.
    await expect(fetchRaw()).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
    expect((await nextOutcome).kind).toBe('failed');
    expect(outcomes.at(-1)).toMatchObject({ kind: 'failed', replied: true });
  });
});
