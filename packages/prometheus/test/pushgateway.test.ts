import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsCollector, Pushgateway, PushgatewayError } from '../src/index.js';

describe('Pushgateway group URLs and options', () => {
  const source = new MetricsCollector();

  it('names the group by job and grouping labels, base64url for empty values and values with a slash', () => {
    const gateway = new Pushgateway({
      url: 'http://gw:9091/',
      source,
      job: 'nightly',
      grouping: { instance: 'db/1', shard: '', zone: 'eu west' },
    });
    expect(gateway.groupUrl()).toBe('http://gw:9091/metrics/job/nightly/instance@base64/ZGIvMQ/shard@base64/=/zone/eu%20west');
    expect(gateway.groupUrl({ job: 'a/b', grouping: {} })).toBe('http://gw:9091/metrics/job@base64/YS9i');
  });

  it('refuses a bad url, job or grouping label with an error naming it', () => {
    expect(() => new Pushgateway({ url: 'gw:9091', source, job: 'x' })).toThrow('Pushgateway url must be http: or https:, got gw:');
    expect(() => new Pushgateway({ url: 'http://gw', source, job: '' })).toThrow(
      'invalid option `job` in new Pushgateway(): expected a non-empty string, got ""',
    );
    expect(() => new Pushgateway({ url: 'http://gw', source, job: 'x', timeout: 5 } as never)).toThrow(
      /`timeout`.*new Pushgateway\(\).*timeoutMs/,
    );
    expect(() => new Pushgateway({ url: 'http://gw', source, job: 'x', grouping: { 'bad-name': 'v' } })).toThrow(
      'Pushgateway grouping label "bad-name" is invalid',
    );
    expect(() => new Pushgateway({ url: 'http://gw', source: {} as never, job: 'x' })).toThrow(
      'Pushgateway source must be a MetricsSource',
    );
  });
});

describe('Pushgateway answers it does not trust', () => {
  interface Seen {
    readonly method: string;
    readonly url: string;
    readonly body: string;
  }
  async function serve(
    answer: (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void,
  ): Promise<{ url: string; seen: Seen[]; server: Server }> {
    const seen: Seen[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        answer(req, res, seen);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
  }
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
      await once(s, 'close');
    }
  });
  const source = new MetricsCollector({ collectDefaultMetrics: false });
  source.gauge('pushed_value', 'A value').set(7);

  it('does not follow a redirect to another origin, and says where it pointed', async () => {
    const elsewhere = await serve((_req, res) => res.end('ok'));
    const gateway = await serve((_req, res) => res.writeHead(307, { location: `${elsewhere.url}/metrics/job/x` }).end());
    servers.push(elsewhere.server, gateway.server);
    const push = new Pushgateway({ url: gateway.url, source, job: 'x' }).push();
    await expect(push).rejects.toThrow(new RegExp(`answered 307: refused: it redirected to another origin \\(${elsewhere.url}\\)`));
    await expect(push).rejects.toBeInstanceOf(PushgatewayError);
    expect(elsewhere.seen).toEqual([]);
  });

  it('follows a 307 within its origin with the same method and body, and refuses a 302 that would turn the push into a GET', async () => {
    const gateway = await serve((req, res) => {
      if (req.url === '/metrics/job/x') res.writeHead(307, { location: '/moved/metrics/job/x' }).end();
      else if (req.url === '/old/metrics/job/x') res.writeHead(302, { location: '/moved/metrics/job/x' }).end();
      else res.writeHead(200).end();
    });
    servers.push(gateway.server);
    await new Pushgateway({ url: gateway.url, source, job: 'x' }).push();
    expect(gateway.seen.map((s) => [s.method, s.url])).toEqual([
      ['PUT', '/metrics/job/x'],
      ['PUT', '/moved/metrics/job/x'],
    ]);
    expect(gateway.seen[1]!.body).toContain('pushed_value 7');
    await expect(new Pushgateway({ url: `${gateway.url}/old`, source, job: 'x' }).pushAdd()).rejects.toThrow(
      /answered 302: refused: it redirected with 302 to .*only 307 and 308 keep the method and body/,
    );
  });

  it('gives up after five redirects', async () => {
    const gateway = await serve((req, res) => res.writeHead(308, { location: `${req.url}/again` }).end());
    servers.push(gateway.server);
    await expect(new Pushgateway({ url: gateway.url, source, job: 'x' }).delete()).rejects.toThrow(/refused: more than 5 redirects/);
    expect(gateway.seen).toHaveLength(6);
  });

  it('keeps at most 64 KiB of an error body', async () => {
    const gateway = await serve((_req, res) => {
      res.writeHead(500);
      res.end('x'.repeat(10_000_000));
    });
    servers.push(gateway.server);
    const error = (await new Pushgateway({ url: gateway.url, source, job: 'x' }).push().catch((e: unknown) => e)) as PushgatewayError;
    expect(error.status).toBe(500);
    expect(error.body).toBe(`${'x'.repeat(64 * 1024)}…[body cut at ${64 * 1024} bytes]`);
  });
});
